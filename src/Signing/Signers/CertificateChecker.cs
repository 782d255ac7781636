using System.Security.Cryptography.X509Certificates;

namespace Signing.Signers;

/// <summary>Checks a signing certificate before use so failures are explained instead of producing a useless signature.</summary>
public static class CertificateChecker
{
    public static void EnsureUsable(ISigner signer, IReadOnlyCollection<X509Certificate2>? trustAnchors, DateTimeOffset now)
    {
        var cert = signer.Certificate;
        if (now < cert.NotBefore.ToUniversalTime() || now > cert.NotAfter.ToUniversalTime())
            throw new CertificateNotUsableException(
                $"Certificate '{cert.Subject}' is not valid now (valid {cert.NotBefore.ToUniversalTime():u} to {cert.NotAfter.ToUniversalTime():u}).");
        var ku = cert.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (ku is not null && (ku.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
            throw new CertificateNotUsableException($"Certificate '{cert.Subject}' allows neither digitalSignature nor nonRepudiation.");
        AlgorithmPolicy.EnsureAllowed(cert, signer.HashAlgorithm);

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // revocation is checked by OCSP/CRL separately
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (trustAnchors is { Count: > 0 })
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trustAnchors.ToArray());
        }
        chain.ChainPolicy.ExtraStore.AddRange(signer.Chain.ToArray());
        if (!chain.Build(cert))
        {
            var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            throw new CertificateNotUsableException($"Certificate chain of '{cert.Subject}' does not build to a trusted anchor: {reasons}");
        }
    }
}

public sealed class CertificateNotUsableException(string message) : SigningException(message);

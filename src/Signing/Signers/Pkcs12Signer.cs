using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Signers;

/// <summary>Signs with a key from a PKCS#12 (.p12/.pfx) file.</summary>
public sealed class Pkcs12Signer : ISigner, IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    public Pkcs12Signer(byte[] pkcs12, string password, SignatureScheme? scheme = null, HashAlgorithmName? hash = null)
    {
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(pkcs12, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            // The inner message never contains key material, but be explicit about the likely cause.
            throw new SignerConfigurationException("The PKCS#12 file could not be opened (wrong password or corrupt file).", e);
        }
        var withKey = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new SignerConfigurationException("The PKCS#12 file holds no certificate with a private key.");
        Certificate = withKey;
        Chain = BuildChain(withKey, all);
        _key = (AsymmetricAlgorithm?)withKey.GetRSAPrivateKey() ?? withKey.GetECDsaPrivateKey()
            ?? throw new SignerConfigurationException("Only RSA and ECDSA keys are supported.");
        Scheme = scheme ?? (_key is ECDsa ? SignatureScheme.Ecdsa : SignatureScheme.RsaPkcs1);
        if ((_key is ECDsa) != (Scheme == SignatureScheme.Ecdsa))
            throw new SignerConfigurationException($"Scheme {Scheme} does not match the key type.");
        HashAlgorithm = hash ?? HashAlgorithmName.SHA256;
        AlgorithmPolicy.EnsureAllowed(Certificate, HashAlgorithm);
    }

    /// <summary>Reads the password from a secret file (trailing newline ignored) rather than from configuration text.</summary>
    public static Pkcs12Signer FromFiles(string pkcs12Path, string passwordFile, SignatureScheme? scheme = null) =>
        new(File.ReadAllBytes(pkcs12Path), File.ReadAllText(passwordFile).TrimEnd('\r', '\n'), scheme);

    public static Pkcs12Signer FromFile(string pkcs12Path, string password, SignatureScheme? scheme = null) =>
        new(File.ReadAllBytes(pkcs12Path), password, scheme);

    public X509Certificate2 Certificate { get; }
    public IReadOnlyList<X509Certificate2> Chain { get; }
    public SignatureScheme Scheme { get; }
    public HashAlgorithmName HashAlgorithm { get; }

    public Task<byte[]> SignDigestAsync(byte[] digest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var signature = _key switch
        {
            RSA rsa => rsa.SignHash(digest, HashAlgorithm, Scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            ECDsa ec => ec.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence),
            _ => throw new InvalidOperationException(),
        };
        return Task.FromResult(signature);
    }

    public void Dispose() => _key.Dispose();

    public override string ToString() => $"Pkcs12Signer({Certificate.Subject})";

    private static IReadOnlyList<X509Certificate2> BuildChain(X509Certificate2 leaf, X509Certificate2Collection all)
    {
        var chain = new List<X509Certificate2>();
        var current = leaf;
        while (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) == false)
        {
            var issuer = all.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && !chain.Contains(c) && c != leaf);
            if (issuer is null) break;
            chain.Add(issuer);
            current = issuer;
        }
        return chain;
    }
}

public sealed class SignerConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

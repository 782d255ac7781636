using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using Signing.Timestamping;
using BcCert = Org.BouncyCastle.X509.X509Certificate;

namespace Signing.Development;

/// <summary>Transport-free responders for a <see cref="DevelopmentPki"/>: the host or a test serves them over HTTP.</summary>
public sealed class DevelopmentResponders(DevelopmentPki pki)
{
    private long _tsaSerial = 1;

    /// <summary>RFC 3161: application/timestamp-query in, application/timestamp-reply out.</summary>
    public byte[] Timestamp(byte[] requestBytes, DateTimeOffset? at = null)
    {
        var request = new TimeStampRequest(requestBytes);
        var generator = new TimeStampTokenGenerator(PrivateKey(pki.Tsa), ToBc(pki.Tsa), TspAlgorithms.Sha256, "1.3.6.1.4.1.99999.1.1");
        generator.SetCertificates(Org.BouncyCastle.Utilities.Collections.CollectionUtilities.CreateStore(new[] { ToBc(pki.Tsa), ToBc(pki.Intermediate), ToBc(pki.Root) }));
        var responder = new TimeStampResponseGenerator(generator, TspAlgorithms.Allowed);
        var serial = BigInteger.ValueOf(Interlocked.Increment(ref _tsaSerial));
        return responder.Generate(request, serial, (at ?? DateTimeOffset.UtcNow).UtcDateTime).GetEncoded();
    }

    /// <summary>OCSP: application/ocsp-request in, application/ocsp-response out, signed by the issuing CA itself.</summary>
    public byte[] Ocsp(byte[] requestBytes, DateTimeOffset? at = null)
    {
        var now = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        var request = new OcspReq(requestBytes);
        var ids = request.GetRequestList().Select(r => r.GetCertID()).ToList();
        var ca = pki.CertificateAuthorities.FirstOrDefault(c => ids.Count > 0 && ids[0].MatchesIssuer(ToBc(c)));
        if (ca is null) return new OCSPRespGenerator().Generate(OCSPRespGenerator.Unauthorized, null).GetEncoded();
        var generator = new BasicOcspRespGenerator(new RespID(ToBc(ca).SubjectDN));
        foreach (var id in ids)
        {
            var revoked = pki.Revocations.FirstOrDefault(r => r.Ca.Thumbprint == ca.Thumbprint && id.SerialNumber.LongValue == r.Serial);
            CertificateStatus? status = revoked.Ca is null ? CertificateStatus.Good
                : new RevokedStatus(revoked.When.UtcDateTime, CrlReason.KeyCompromise);
            generator.AddResponse(id, status, now.AddMinutes(-1), now.AddDays(1), null);
        }
        var basic = generator.Generate(new Asn1SignatureFactory("SHA256WithRSA", PrivateKey(ca)), new[] { ToBc(ca) }, now);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    /// <summary>CRL of the CA whose subject is given (as written by <see cref="DevelopmentPki"/> into CRL distribution points).</summary>
    public byte[] Crl(string caSubject, DateTimeOffset? at = null) =>
        pki.BuildCrl(pki.CertificateAuthorities.First(c => c.Subject == caSubject), at ?? DateTimeOffset.UtcNow);

    private static BcCert ToBc(X509Certificate2 c) => new X509CertificateParser().ReadCertificate(c.RawData);

    private static AsymmetricKeyParameter PrivateKey(X509Certificate2 c)
    {
        using var rsa = c.GetRSAPrivateKey() ?? throw new InvalidOperationException("Development responders use RSA keys.");
        return DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(true)).Private;
    }
}

/// <summary>An in-process TSA client over <see cref="DevelopmentResponders"/>, for an embedded default without HTTP.</summary>
public sealed class InProcessTimestampClient(DevelopmentResponders responders) : ITimestampClient
{
    public Task<TimestampToken> GetTokenAsync(byte[] digest, HashAlgorithmName hash, CancellationToken cancellationToken)
    {
        var request = System.Security.Cryptography.Pkcs.Rfc3161TimestampRequest.CreateFromHash(digest, hash, requestSignerCertificates: true,
            nonce: RandomNumberGenerator.GetBytes(8));
        return Task.FromResult(TimestampReplies.Process(request, responders.Timestamp(request.Encode()), digest, hash, "in-process TSA"));
    }
}

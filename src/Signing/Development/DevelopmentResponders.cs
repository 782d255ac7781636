using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using Signing.Certificates;
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
        // As BouncyCastle's key-taking constructor builds it (default signed attributes, ESSCertID with SHA-1), signed by OpenSSL.
        var signer = new SignerInfoGeneratorBuilder().Build(new DotNetRsaSignatureFactory(PrivateKey(pki.Tsa)), ToBc(pki.Tsa));
        var generator = new TimeStampTokenGenerator(signer, Asn1DigestFactory.Get(OiwObjectIdentifiers.IdSha1), new DerObjectIdentifier("1.3.6.1.4.1.99999.1.1"), false);
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
        var basic = generator.Generate(new DotNetRsaSignatureFactory(PrivateKey(ca)), new[] { ToBc(ca) }, now);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    /// <summary>CRL of the CA whose subject is given (as written by <see cref="DevelopmentPki"/> into CRL distribution points).</summary>
    public byte[] Crl(string caSubject, DateTimeOffset? at = null) =>
        pki.BuildCrl(pki.CertificateAuthorities.First(c => c.Subject == caSubject), at ?? DateTimeOffset.UtcNow);

    private static BcCert ToBc(X509Certificate2 c) => CertificateCache.Of(c);

    // One key object per certificate, kept: loading it was a sixth of a B-LTA signature's CPU. Keyed by the certificate's hash,
    // so a re-issued TSA certificate gets its own.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RSA> _privateKeys = new();

    private RSA PrivateKey(X509Certificate2 c) => _privateKeys.GetOrAdd(c.GetCertHashString(HashAlgorithmName.SHA256),
        _ => c.GetRSAPrivateKey() ?? throw new InvalidOperationException("Development responders use RSA keys."));
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

using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Signing.Tests.Validation.Corpus;

public sealed record Identity(X509Certificate Certificate, AsymmetricKeyParameter PrivateKey)
{
    public System.Security.Cryptography.X509Certificates.X509Certificate2 Dotnet =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Certificate.GetEncoded());
}

/// <summary>
/// A throw-away PKI built in process: root -> intermediate -> signers, a TSA, and an untrusted root. CRLs for the root
/// and the intermediate are served on 127.0.0.1 so online revocation checking can be exercised without the internet.
/// </summary>
public sealed class TestPki : IDisposable
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static long _serial = 1000;
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _served = new();
    private readonly List<(BigInteger Serial, DateTime When)> _revokedByIntermediate = [];

    public string BaseUrl { get; }
    public Identity Root { get; }
    public Identity Intermediate { get; }
    public Identity Signer { get; }
    public Identity RevokedEarly { get; }   // revoked 10 days ago
    public Identity Expired { get; }        // valid until 10 days ago
    public Identity Tsa { get; }
    public Identity UntrustedRoot { get; }
    public Identity UntrustedSigner { get; }
    public Identity WeakKeySigner { get; }
    /// <summary>Signers whose only revocation source is the OCSP responder named in their AIA.</summary>
    public Identity OcspSigner { get; }
    public Identity OcspRevokedSigner { get; }
    public DateTimeOffset RevocationTime { get; } = Now.AddDays(-10);

    public TestPki()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; probe.Stop(); }
        BaseUrl = $"http://127.0.0.1:{port}/";
        var rootKey = NewKey();
        var intKey = NewKey();
        var signerKey = NewKey();
        Root = Issue("CN=Test Root CA,O=Archive Test", rootKey, null, Now.AddYears(-10), Now.AddYears(10), ca: true, crlUrl: null);
        Intermediate = Issue("CN=Test Issuing CA,O=Archive Test", intKey, Root, Now.AddYears(-5), Now.AddYears(5), ca: true, crlUrl: BaseUrl + "root.crl");
        Signer = Issue("CN=Nguyễn Văn An,O=Archive Test", signerKey, Intermediate, Now.AddYears(-2), Now.AddYears(2), crlUrl: BaseUrl + "int.crl");
        RevokedEarly = Issue("CN=Revoked Signer,O=Archive Test", signerKey, Intermediate, Now.AddYears(-2), Now.AddYears(2), crlUrl: BaseUrl + "int.crl");
        Expired = Issue("CN=Expired Signer,O=Archive Test", signerKey, Intermediate, Now.AddYears(-2), Now.AddDays(-10), crlUrl: BaseUrl + "int.crl");
        Tsa = Issue("CN=Test TSA,O=Archive Test", NewKey(), Intermediate, Now.AddYears(-3), Now.AddYears(3), crlUrl: BaseUrl + "int.crl", tsa: true);
        UntrustedRoot = Issue("CN=Test Root CA,O=Somebody Else", NewKey(), null, Now.AddYears(-10), Now.AddYears(10), ca: true, crlUrl: null);
        UntrustedSigner = Issue("CN=Stranger,O=Somebody Else", signerKey, UntrustedRoot, Now.AddYears(-2), Now.AddYears(2), crlUrl: null);
        WeakKeySigner = Issue("CN=Short Key Signer,O=Archive Test", NewKey(1024), Intermediate, Now.AddYears(-2), Now.AddYears(2), crlUrl: BaseUrl + "int.crl");
        OcspSigner = Issue("CN=OCSP Checked Signer,O=Archive Test", signerKey, Intermediate, Now.AddYears(-2), Now.AddYears(2), ocspUrl: BaseUrl + "ocsp");
        OcspRevokedSigner = Issue("CN=OCSP Revoked Signer,O=Archive Test", signerKey, Intermediate, Now.AddYears(-2), Now.AddYears(2), ocspUrl: BaseUrl + "ocsp");
        _revokedByIntermediate.Add((RevokedEarly.Certificate.SerialNumber, RevocationTime.UtcDateTime));
        _revokedByIntermediate.Add((OcspRevokedSigner.Certificate.SerialNumber, RevocationTime.UtcDateTime));
        _served["root.crl"] = Crl(Root, []).GetEncoded();
        _served["int.crl"] = Crl(Intermediate, _revokedByIntermediate).GetEncoded();
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _ = ServeAsync();
    }

    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Anchors => [Root.Dotnet];

    public byte[] IntermediateCrl => _served["int.crl"];
    public byte[] RootCrl => _served["root.crl"];

    /// <summary>Issues another certificate for the signer key under the intermediate, and revokes it at <paramref name="revokedAt"/>.</summary>
    /// <summary>A signer with a P-256 key, issued by the test intermediate.</summary>
    public Identity IssueEc(string cn)
    {
        var gen = new Org.BouncyCastle.Crypto.Generators.ECKeyPairGenerator();
        gen.Init(new Org.BouncyCastle.Crypto.Parameters.ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, new Org.BouncyCastle.Security.SecureRandom()));
        var pair = gen.GenerateKeyPair();
        return Issue($"CN={cn},O=Archive Test", pair.Private, Intermediate, Now.AddYears(-2), Now.AddYears(2), crlUrl: BaseUrl + "int.crl", publicKey: pair.Public);
    }

    public Identity IssueRevoked(string cn, DateTimeOffset revokedAt)
    {
        var id = Issue($"CN={cn},O=Archive Test", Signer.PrivateKey, Intermediate, Now.AddYears(-2), Now.AddYears(2), crlUrl: BaseUrl + "int.crl", publicKey: Signer.Certificate.GetPublicKey());
        lock (_served)
        {
            _revokedByIntermediate.Add((id.Certificate.SerialNumber, revokedAt.UtcDateTime));
            _served["int.crl"] = Crl(Intermediate, _revokedByIntermediate).GetEncoded();
        }
        return id;
    }

    /// <summary>Issues another timestamping certificate (the TSA's key, timeStamping EKU) and revokes it at <paramref name="revokedAt"/>.</summary>
    public Identity IssueRevokedTsa(string cn, DateTimeOffset revokedAt)
    {
        var id = Issue($"CN={cn},O=Archive Test", Tsa.PrivateKey, Intermediate, Now.AddYears(-3), Now.AddYears(3), crlUrl: BaseUrl + "int.crl", tsa: true, publicKey: Tsa.Certificate.GetPublicKey());
        lock (_served)
        {
            _revokedByIntermediate.Add((id.Certificate.SerialNumber, revokedAt.UtcDateTime));
            _served["int.crl"] = Crl(Intermediate, _revokedByIntermediate).GetEncoded();
        }
        return id;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
            byte[]? body;
            if (ctx.Request.HttpMethod == "POST")
            {
                using var ms = new MemoryStream();
                await ctx.Request.InputStream.CopyToAsync(ms);
                body = OcspResponse(ms.ToArray());
            }
            else lock (_served) body = _served.GetValueOrDefault(ctx.Request.Url!.AbsolutePath.TrimStart('/'));
            ctx.Response.StatusCode = body is null ? 404 : 200;
            if (body is not null) await ctx.Response.OutputStream.WriteAsync(body);
            ctx.Response.Close();
        }
    }

    /// <summary>An OCSP response signed directly by the intermediate CA for whatever the request asks.</summary>
    public byte[] OcspResponse(byte[] request)
    {
        var req = new Org.BouncyCastle.Ocsp.OcspReq(request);
        var gen = new Org.BouncyCastle.Ocsp.BasicOcspRespGenerator(Intermediate.Certificate.GetPublicKey());
        foreach (var r in req.GetRequestList())
        {
            var id = r.GetCertID();
            (BigInteger Serial, DateTime When)? revoked;
            lock (_served) revoked = _revokedByIntermediate.Where(x => x.Serial.Equals(id.SerialNumber)).Select(x => ((BigInteger, DateTime)?)x).FirstOrDefault();
            gen.AddResponse(id, revoked is { } rv ? new Org.BouncyCastle.Ocsp.RevokedStatus(rv.When, CrlReason.KeyCompromise) : Org.BouncyCastle.Ocsp.CertificateStatus.Good,
                Now.AddMinutes(-30).UtcDateTime, Now.AddDays(1).UtcDateTime, null);
        }
        var basic = gen.Generate(new Asn1SignatureFactory("SHA256WithRSA", Intermediate.PrivateKey), null, Now.AddMinutes(-30).UtcDateTime);
        return new Org.BouncyCastle.Ocsp.OCSPRespGenerator().Generate(Org.BouncyCastle.Ocsp.OcspRespStatus.Successful, basic).GetEncoded();
    }

    private static AsymmetricCipherKeyPair NewKey(int bits = 2048)
    {
        // .NET's key generation (OpenSSL) is much faster than BouncyCastle's.
        using var rsa = System.Security.Cryptography.RSA.Create(bits);
        return DotNetUtilities.GetRsaKeyPair(rsa);
    }

    private static Identity Issue(string dn, AsymmetricCipherKeyPair key, Identity? issuer, DateTimeOffset from, DateTimeOffset to, bool ca = false, string? crlUrl = null, bool tsa = false, string? ocspUrl = null) =>
        Issue(dn, key.Private, issuer, from, to, ca, crlUrl, tsa, key.Public, ocspUrl);

    private static Identity Issue(string dn, AsymmetricKeyParameter privateKey, Identity? issuer, DateTimeOffset from, DateTimeOffset to, bool ca = false, string? crlUrl = null, bool tsa = false, AsymmetricKeyParameter? publicKey = null, string? ocspUrl = null)
    {
        var gen = new X509V3CertificateGenerator();
        var subject = new X509Name(dn);
        gen.SetSerialNumber(BigInteger.ValueOf(Interlocked.Increment(ref _serial)));
        gen.SetSubjectDN(subject);
        gen.SetIssuerDN(issuer?.Certificate.SubjectDN ?? subject);
        gen.SetNotBefore(from.UtcDateTime);
        gen.SetNotAfter(to.UtcDateTime);
        gen.SetPublicKey(publicKey!);
        gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(ca));
        gen.AddExtension(X509Extensions.SubjectKeyIdentifier, false, Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.CreateSubjectKeyIdentifier(publicKey));
        if (issuer is not null)
            gen.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer.Certificate));
        gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(ca ? KeyUsage.KeyCertSign | KeyUsage.CrlSign : KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
        if (tsa) gen.AddExtension(X509Extensions.ExtendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeID.id_kp_timeStamping));
        if (crlUrl is not null)
            gen.AddExtension(X509Extensions.CrlDistributionPoints, false, new CrlDistPoint([
                new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.UniformResourceIdentifier, crlUrl))), null, null)]));
        if (ocspUrl is not null)
            gen.AddExtension(X509Extensions.AuthorityInfoAccess, false, new AuthorityInformationAccess(
                new AccessDescription(AccessDescription.IdADOcsp, new GeneralName(GeneralName.UniformResourceIdentifier, ocspUrl))));
        var signingKey = issuer?.PrivateKey ?? privateKey;
        var cert = gen.Generate(new Asn1SignatureFactory("SHA256WithRSA", signingKey));
        return new Identity(cert, privateKey);
    }

    private static X509Crl Crl(Identity issuer, IEnumerable<(BigInteger Serial, DateTime When)> revoked)
    {
        var gen = new X509V2CrlGenerator();
        gen.SetIssuerDN(issuer.Certificate.SubjectDN);
        gen.SetThisUpdate(Now.AddHours(-1).UtcDateTime);
        gen.SetNextUpdate(Now.AddDays(7).UtcDateTime);
        foreach (var (serial, when) in revoked) gen.AddCrlEntry(serial, when, CrlReason.KeyCompromise);
        return gen.Generate(new Asn1SignatureFactory("SHA256WithRSA", issuer.PrivateKey));
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}

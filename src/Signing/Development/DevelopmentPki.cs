using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Development;

/// <summary>
/// A throw-away PKI for development and tests: root → intermediate → organization certificates
/// (RSA and ECDSA), a TSA certificate, and revoked/expired leaves. Never for production signatures.
/// </summary>
public sealed partial class DevelopmentPki
{
    private readonly List<(X509Certificate2 Ca, long Serial, DateTimeOffset When)> _revocations = [];
    private long _serial = 0x1000;
    private readonly X509Certificate2? _organizationEcdsa, _revoked, _expired;

    /// <param name="ocspUrl">OCSP responder URL written into AIA (null: none).</param>
    /// <param name="crlUrlFor">CRL URL for a CA's subject, written into CRL distribution points (null: none).</param>
    /// <param name="tsaLifetime">Validity of the TSA certificate from now (default 5 years; tests use a short one).</param>
    public DevelopmentPki(string organizationName, Uri? ocspUrl = null, Func<string, Uri>? crlUrlFor = null, DateTimeOffset? now = null,
        TimeSpan? tsaLifetime = null)
    {
        var t = now ?? DateTimeOffset.UtcNow;
        OcspUrl = ocspUrl;
        CrlUrlFor = crlUrlFor;
        Root = CreateCa("CN=Development Root CA, O=Development PKI", null, t.AddYears(-1), t.AddYears(20));
        Intermediate = CreateCa("CN=Development Issuing CA, O=Development PKI", Root, t.AddYears(-1), t.AddYears(10));
        var organizationKey = RSA.Create(2048);
        Organization = IssueLeaf(Subject(organizationName), organizationKey, t.AddDays(-30), t.AddYears(2), timestamping: false);
        OrganizationEcdsa = IssueLeaf(Subject(organizationName + " (ECDSA)"), ECDsa.Create(ECCurve.NamedCurves.nistP256), t.AddDays(-30), t.AddYears(2), false);
        Tsa = IssueTsa(t, tsaLifetime ?? TimeSpan.FromDays(5 * 365));
        // The revoked and expired variants reuse the organization key: RSA key generation dominates setup time.
        Revoked = IssueLeaf(Subject(organizationName + " (revoked)"), organizationKey, t.AddDays(-30), t.AddYears(2), false);
        Expired = IssueLeaf(Subject(organizationName + " (expired)"), organizationKey, t.AddYears(-3), t.AddYears(-1), false);
        Revoke(Revoked, t.AddDays(-1));
    }

    public Uri? OcspUrl { get; }
    public Func<string, Uri>? CrlUrlFor { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 Intermediate { get; }
    public X509Certificate2 Organization { get; }
    public X509Certificate2 OrganizationEcdsa { get => _organizationEcdsa ?? throw Absent(); private init => _organizationEcdsa = value; }
    public X509Certificate2 Tsa { get; private set; }
    public X509Certificate2 Revoked { get => _revoked ?? throw Absent(); private init => _revoked = value; }
    public X509Certificate2 Expired { get => _expired ?? throw Absent(); private init => _expired = value; }

    public IReadOnlyList<X509Certificate2> CertificateAuthorities => [Root, Intermediate];

    public IReadOnlyList<(X509Certificate2 Ca, long Serial, DateTimeOffset When)> Revocations => _revocations;

    public void Revoke(X509Certificate2 cert, DateTimeOffset when)
    {
        var ca = CertificateAuthorities.First(c => c.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData));
        _revocations.Add((ca, Convert.ToInt64(cert.SerialNumber, 16), when));
    }

    /// <summary>PKCS#12 with the leaf's key, the leaf and its chain (intermediate and root).</summary>
    public byte[] ExportPkcs12(X509Certificate2 leaf, string password) =>
        new X509Certificate2Collection { leaf, Intermediate, Root }.Export(X509ContentType.Pkcs12, password)
        ?? throw new InvalidOperationException("PKCS#12 export failed.");

    /// <summary>A certificate revocation list for one of the CAs, signed by it.</summary>
    public byte[] BuildCrl(X509Certificate2 ca, DateTimeOffset now)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var r in _revocations.Where(r => r.Ca.Thumbprint == ca.Thumbprint))
            builder.AddEntry(BigEndian(r.Serial), r.When, X509RevocationReason.KeyCompromise);
        return builder.Build(ca, 1, now.AddDays(7), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, now.AddMinutes(-5));
    }

    /// <summary>
    /// Replaces the TSA certificate with a fresh one (new key) valid for <paramref name="lifetime"/>: the
    /// development counterpart of a TSA's key rollover, so B-LTA renewal has a timestamp that outlives the old one.
    /// </summary>
    public X509Certificate2 ReissueTimestampAuthority(DateTimeOffset now, TimeSpan lifetime) => Tsa = IssueTsa(now, lifetime);

    private X509Certificate2 IssueTsa(DateTimeOffset now, TimeSpan lifetime) =>
        IssueLeaf("CN=Development Timestamp Authority, O=Development PKI", RSA.Create(2048), now.AddDays(-30), now + lifetime, timestamping: true);

    private static InvalidOperationException Absent() =>
        new("A development PKI loaded from files holds only the CAs, the organization and the TSA certificates.");

    private static string Subject(string org) => $"CN={Escape(org)}, O={Escape(org)}, C=VN";

    private static string Escape(string s) => s.Contains(',') || s.Contains('+') || s.Contains('"') ? "\"" + s.Replace("\"", "\\\"") + "\"" : s;

    private X509Certificate2 CreateCa(string subject, X509Certificate2? issuer, DateTimeOffset from, DateTimeOffset to)
    {
        var key = RSA.Create(2048);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, issuer is not null, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        if (issuer is null) return req.CreateSelfSigned(from, to);
        AddRevocationPointers(req, issuer);
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var cert = req.Create(issuer, from, to, BigEndian(_serial++));
        return cert.CopyWithPrivateKey(key);
    }

    private X509Certificate2 IssueLeaf(string subject, AsymmetricAlgorithm key, DateTimeOffset from, DateTimeOffset to, bool timestamping)
    {
        var req = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Intermediate, true, false));
        if (timestamping)
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], true));
        else
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4"), new Oid("1.3.6.1.4.1.311.10.3.12")], false));
        AddRevocationPointers(req, Intermediate);
        using var issuerKey = Intermediate.GetRSAPrivateKey()!;
        var generator = X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1);
        using var cert = req.Create(Intermediate.SubjectName, generator, from, to, BigEndian(_serial++));
        return key is RSA r ? cert.CopyWithPrivateKey(r) : cert.CopyWithPrivateKey((ECDsa)key);
    }

    private void AddRevocationPointers(CertificateRequest req, X509Certificate2 issuer)
    {
        if (OcspUrl is not null)
            req.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([OcspUrl.ToString()], null));
        if (CrlUrlFor is not null)
            req.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([CrlUrlFor(issuer.Subject).ToString()]));
    }

    private static byte[] BigEndian(long serial)
    {
        var bytes = BitConverter.GetBytes(serial);
        if (BitConverter.IsLittleEndian) Array.Reverse(bytes);
        var trimmed = bytes.SkipWhile(b => b == 0).ToArray();
        return trimmed[0] >= 0x80 ? [0, .. trimmed] : trimmed;
    }
}

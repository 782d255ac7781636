using Signing.Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace Signing.Validation;

/// <summary>Builds a signer's path to a configured trust anchor from a pool of candidate certificates.</summary>
internal sealed class CertificateChain
{
    private readonly List<X509Certificate> _anchors;
    private readonly List<X509Certificate> _pool;

    public CertificateChain(IEnumerable<X509Certificate> anchors, IEnumerable<X509Certificate> pool)
    {
        _anchors = Distinct(anchors);
        _pool = Distinct(pool.Concat(_anchors));
    }

    public IReadOnlyList<X509Certificate> Pool => _pool;

    private static List<X509Certificate> Distinct(IEnumerable<X509Certificate> certs) =>
        certs.GroupBy(c => Convert.ToHexString(c.GetEncoded())).Select(g => g.First()).ToList();

    public bool IsAnchor(X509Certificate c) => _anchors.Any(a => a.Equals(c));

    /// <summary>Leaf first, anchor last; null when no path to an anchor exists. Signatures are checked, dates are not (that is the caller's, per time).</summary>
    public List<X509Certificate>? Build(X509Certificate leaf)
    {
        var chain = new List<X509Certificate> { leaf };
        var current = leaf;
        for (int depth = 0; depth < 10; depth++)
        {
            if (IsAnchor(current)) return chain;
            var issuer = FindIssuer(current, chain);
            if (issuer is null) return null;
            chain.Add(issuer);
            current = issuer;
        }
        return null;
    }

    public X509Certificate? FindIssuer(X509Certificate cert, IReadOnlyCollection<X509Certificate>? exclude = null)
    {
        foreach (var candidate in _anchors.Concat(_pool))
        {
            if (exclude is not null && exclude.Contains(candidate) && !candidate.Equals(cert)) continue;
            if (!candidate.SubjectDN.Equivalent(cert.IssuerDN)) continue;
            if (candidate.Equals(cert) && !IsAnchor(cert)) continue;
            if (VerificationCache.Verify(() => { cert.Verify(CertificateCache.PublicKey(candidate)); return true; }, cert.GetEncoded(), candidate.GetEncoded()))
                return candidate;
        }
        return null;
    }

    public static bool ValidAt(X509Certificate c, DateTimeOffset t) =>
        t.UtcDateTime >= c.NotBefore.ToUniversalTime() && t.UtcDateTime <= c.NotAfter.ToUniversalTime();

    /// <summary>Key usage and extended key usage fit for signing documents (RFC 5280, ETSI EN 319 412-2).</summary>
    public static string? DocumentSigningUsageProblem(X509Certificate c)
    {
        var ku = c.GetKeyUsage();
        if (ku is not null && !ku[0] && !ku[1]) return "key usage allows neither digitalSignature nor nonRepudiation";
        var eku = ExtendedKeyUsages(c);
        if (eku.Count == 0) return null;
        string[] fit = ["2.5.29.37.0", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.36", "1.2.840.113583.1.1.5", "1.3.6.1.4.1.311.10.3.12"];
        return eku.Any(fit.Contains) ? null : $"extended key usage ({string.Join(", ", eku)}) does not include document signing";
    }

    public static IReadOnlyList<string> ExtendedKeyUsages(X509Certificate c)
    {
        try { return c.GetExtendedKeyUsage()?.Cast<object>().Select(o => o.ToString()!).ToList() ?? []; }
        catch (Exception) { return ["(unparseable)"]; }
    }

    public static int RsaKeyBits(X509Certificate c) =>
        CertificateCache.PublicKey(c) is Org.BouncyCastle.Crypto.Parameters.RsaKeyParameters rsa ? rsa.Modulus.BitLength : 0;

    public static IEnumerable<string> CrlUrls(X509Certificate c)
    {
        var ext = c.GetExtensionValue(X509Extensions.CrlDistributionPoints);
        if (ext is null) yield break;
        var dps = CrlDistPoint.GetInstance(Asn1Object.FromByteArray(ext.GetOctets()));
        foreach (var dp in dps.GetDistributionPoints())
            if (dp.DistributionPointName?.Name is GeneralNames names)
                foreach (var n in names.GetNames())
                    if (n.TagNo == GeneralName.UniformResourceIdentifier)
                        yield return DerIA5String.GetInstance(n.Name).GetString();
    }

    public static IEnumerable<string> OcspUrls(X509Certificate c)
    {
        var ext = c.GetExtensionValue(X509Extensions.AuthorityInfoAccess);
        if (ext is null) yield break;
        var aia = AuthorityInformationAccess.GetInstance(Asn1Object.FromByteArray(ext.GetOctets()));
        foreach (var ad in aia.GetAccessDescriptions())
            if (ad.AccessMethod.Equals(AccessDescription.IdADOcsp) && ad.AccessLocation.TagNo == GeneralName.UniformResourceIdentifier)
                yield return DerIA5String.GetInstance(ad.AccessLocation.Name).GetString();
    }
}

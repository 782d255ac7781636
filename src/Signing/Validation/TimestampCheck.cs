using Signing.Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;

namespace Signing.Validation;

internal sealed record TimestampResult(bool Valid, DateTimeOffset? Time, string Problem, X509Certificate? TsaCertificate, IReadOnlyList<X509Certificate> Chain)
{
    public DateTimeOffset? VerifiableUntil => Chain.Count == 0 ? null : Chain.Min(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()));
}

/// <summary>Validates an RFC 3161 token: imprint over the expected data, TSA signature, TSA certificate purpose and chain.</summary>
internal static class TimestampCheck
{
    /// <param name="imprintedDigest">digest of the time-stamped data by algorithm OID (null when unsupported), so a whole document need not be copied.</param>
    /// <param name="parsed">the token already parsed (e.g. as an unsigned attribute of a CMS), to spare a second parse of <paramref name="token"/>.</param>
    public static TimestampResult Validate(byte[] token, Func<string, byte[]?> imprintedDigest, CertificateChain trust, DateTimeOffset validationTime, Org.BouncyCastle.Asn1.Cms.ContentInfo? parsed = null)
    {
        TimeStampToken tst;
        try { tst = new TimeStampToken(parsed is null ? new CmsSignedData(token) : new CmsSignedData(parsed)); }
        catch (Exception e) { return Fail($"not an RFC 3161 time-stamp token ({e.GetType().Name})"); }

        var time = new DateTimeOffset(tst.TimeStampInfo.GenTime.ToUniversalTime());
        if (imprintedDigest(tst.TimeStampInfo.MessageImprintAlgOid) is not { } expected)
            return Fail($"unsupported imprint algorithm {tst.TimeStampInfo.MessageImprintAlgOid}", time);
        if (!expected.AsSpan().SequenceEqual(tst.TimeStampInfo.GetMessageImprintDigest()))
            return Fail("message imprint does not match the time-stamped data", time);

        var tokenCertificates = CertificateCache.FromCms(token) ?? tst.GetCertificates().EnumerateMatches(null).ToList();
        var candidates = tokenCertificates.Where(c => tst.SignerID.Match(c)).ToList();
        if (candidates.Count == 0)
            candidates = trust.Pool.Where(c => tst.SignerID.Match(c)).ToList();
        var tsa = candidates.FirstOrDefault();
        if (tsa is null) return Fail("TSA certificate not found", time);
        // Signature, ESS certificate id and critical timeStamping EKU (RFC 3161 2.3).
        if (!VerificationCache.Verify(() => { tst.Validate(tsa); return true; }, token, tsa.GetEncoded()))
            return Fail("time-stamp token does not verify with the TSA certificate (signature, certificate id or timeStamping usage)", time, tsa);

        var pool = new CertificateChain([], trust.Pool.Concat(tokenCertificates));
        var chain = new CertificateChain(trust.Pool.Where(trust.IsAnchor), pool.Pool).Build(tsa);
        if (chain is null) return Fail("TSA certificate does not chain to a trust anchor", time, tsa);
        // The token proves nothing if its own certificate was not valid when it was issued.
        if (chain.Any(c => !CertificateChain.ValidAt(c, time))) return Fail("TSA certificate chain not valid at the time-stamp time", time, tsa);
        return new TimestampResult(true, time, "", tsa, chain);
    }

    private static TimestampResult Fail(string problem, DateTimeOffset? time = null, X509Certificate? tsa = null) =>
        new(false, time, problem, tsa, []);
}

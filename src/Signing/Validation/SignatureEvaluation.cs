using Signing.Certificates;
using Signing.Pdf;
using System.Globalization;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Signing.Validation.Pdf;

namespace Signing.Validation;

/// <summary>Runs the checks for one signature or document timestamp and decides its indication.</summary>
internal sealed class SignatureEvaluation(DocumentContext ctx, SignatureDictionary sig)
{
    private readonly List<string> _checks = [];
    private int _revision;
    private bool _coversWhole;
    private bool? _integrity;
    private string? _signer, _signerSha256, _digestAlg, _level;
    private DateTimeOffset? _signingTime, _until;
    private SigningTimeProof _proof;
    private List<ChangeReport> _changes = [];

    private const string Sha1Oid = "1.3.14.3.2.26";
    private static readonly HashSet<string> Sha1Oids = [Sha1Oid];

    public async Task<SignatureReport> RunAsync()
    {
        var (ind, sub, detail) = await DecideAsync();
        // A disallowed change is the most serious finding for a reader of the document: it must not hide behind
        // an INDETERMINATE decided earlier (e.g. revocation), so it takes over and the other reason is kept in the detail.
        if (ind != Indication.TOTAL_FAILED && ChangesVerdict() is { } changed)
        {
            var other = ind == Indication.TOTAL_PASSED ? "" : $" (also {ind}/{sub}: {detail})";
            (ind, sub, detail) = (changed.Item1, changed.Item2, changed.Item3 + other);
        }
        if (_changes.Count > 0 && _changes.All(ch => ch.Allowed))
            _checks.Add($"{_changes.Count} later change(s) in revision(s) {string.Join(", ", _changes.Select(ch => ch.Revision).Distinct().Order())}, all of an allowed kind: "
                + string.Join(", ", _changes.GroupBy(ch => ch.Category).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}")));
        if (detail.Length > 0) _checks.Add(detail);
        return new SignatureReport
        {
            FieldName = sig.FieldName,
            Kind = sig.IsDocumentTimestamp ? SignatureKind.DocumentTimestamp
                : ctx.DocMdp?.SignatureObject == sig.Object.Number ? SignatureKind.CertificationSignature : SignatureKind.Signature,
            Indication = ind,
            SubIndication = sub,
            Signer = _signer,
            SignerCertificateSha256 = _signerSha256,
            SigningTime = _signingTime,
            SigningTimeProof = _proof,
            Level = _level,
            Revision = _revision,
            CoversWholeDocument = _coversWhole,
            IntegrityValid = _integrity,
            DigestAlgorithm = _digestAlg,
            // Each check once, in the order it ran (a check reached twice, e.g. through two code paths, says nothing new).
            Checks = _checks.Distinct().ToList(),
            ChangesAfterSigning = _changes,
            VerifiableUntil = _until,
            Explanation = Explanations.For(ind, sub, detail),
        };
    }

    private static (Indication, SubIndication, string) Fail(SubIndication s, string why) => (Indication.TOTAL_FAILED, s, why);
    private static (Indication, SubIndication, string) Indeterminate(SubIndication s, string why) => (Indication.INDETERMINATE, s, why);

    private async Task<(Indication, SubIndication, string)> DecideAsync()
    {
        var doc = ctx.Doc;
        var data = doc.Data;
        // --- Structure (PAdES: ISO 32000-1 12.8.1) ---
        if (sig.Dict["ByteRange"] is not PdfArray { Items.Count: 4 } br || br.Items.Any(i => i is not PdfNumber n || n.Value < 0 || n.Value != Math.Floor(n.Value) || n.Value > doc.Length))
            return Fail(SubIndication.FORMAT_FAILURE, "/ByteRange must hold exactly four non-negative integers within the file");
        long a = ((PdfNumber)br.Items[0]).LongValue, b = ((PdfNumber)br.Items[1]).LongValue, c = ((PdfNumber)br.Items[2]).LongValue, d = ((PdfNumber)br.Items[3]).LongValue;
        if (a != 0) return Fail(SubIndication.FORMAT_FAILURE, "byte range does not start at the beginning of the file");
        if (b <= 0 || c <= b || c + d > doc.Length || d <= 0)
            return Fail(SubIndication.FORMAT_FAILURE, "byte range has gaps, overlaps or points outside the file");
        if (!(sig.Object.Offset < b && c <= sig.Object.End))
            return Fail(SubIndication.FORMAT_FAILURE, "the unsigned hole is not this signature's own /Contents value");
        var hole = data.AsSpan((int)b, (int)(c - b));
        if (hole.Length < 2 || hole[0] != '<' || hole[^1] != '>' || hole[1..^1].ContainsAnyExcept("0123456789abcdefABCDEF"u8))
            return Fail(SubIndication.FORMAT_FAILURE, "the /Contents hole holds something other than a hex-encoded signature");
        _revision = doc.RevisionEndingAt(c + d);
        if (_revision == 0) return Fail(SubIndication.FORMAT_FAILURE, "byte range does not end at the end of a revision (%%EOF)");
        _coversWhole = c + d == doc.Length;
        _checks.Add($"byte range [0 {b} {c} {d}] covers revision {_revision} of {doc.RevisionEnds.Count} except the /Contents hole");
        byte[] contents = Convert.FromHexString(hole[1..^1].Length % 2 == 0 ? System.Text.Encoding.ASCII.GetString(hole[1..^1]) : System.Text.Encoding.ASCII.GetString(hole[1..^1]) + "0");
        var signedData = new SignedRanges(data, ctx.Hashes, b, c, d);

        // The CMS must be one DER object followed only by zero padding, otherwise bytes in the hole are unaccounted for.
        // Only the framing is read here (the CMS parser checks the content); BER indefinite lengths are walked to their end.
        int derLength;
        try { System.Formats.Asn1.AsnDecoder.ReadEncodedValue(contents, System.Formats.Asn1.AsnEncodingRules.BER, out _, out _, out derLength); }
        catch (Exception) { return Fail(SubIndication.FORMAT_FAILURE, "/Contents is not a CMS (DER) structure"); }
        if (derLength <= 0 || contents.AsSpan(derLength).ContainsAnyExcept((byte)0))
            return Fail(SubIndication.FORMAT_FAILURE, "/Contents holds extra non-zero bytes after the CMS structure");
        var der = contents.AsSpan(0, derLength).ToArray();

        var locks = FieldLocks.Of(doc, sig.Dict, SignatureField(), doc.FinalObjects);
        if (locks is not null) _checks.Add("FieldMDP: this signature locks " + locks.Describe());
        _changes = new ChangeAnalyzer(doc).ChangesAfter(_revision, ctx.DocMdp?.Permission, locks);
        return sig.IsDocumentTimestamp ? await DecideDocumentTimestampAsync(der, signedData) : await DecideSignatureAsync(der, signedData);
    }

    private async Task<(Indication, SubIndication, string)> DecideDocumentTimestampAsync(byte[] der, SignedRanges signedData)
    {
        var trust = new CertificateChain(ctx.Anchors, ctx.ExtraCertificates);
        var ts = TimestampCheck.Validate(der, signedData.Digest, trust, ctx.Now);
        if (ts.Valid)
        {
            var revocation = RevocationChecker.FromEncoded(ctx.Options, ctx.FinalDss.Crls, ctx.FinalDss.Ocsps, _checks);
            if (await TsaRevocationProblemAsync(ts, revocation) is { } revoked)
            {
                _signingTime = ts.Time;
                _signer = ts.TsaCertificate?.SubjectDN.ToString();
                _integrity = true;
                return Indeterminate(SubIndication.REVOKED_NO_POE, "document timestamp: " + revoked);
            }
        }
        _signingTime = ts.Time;
        _proof = ts.Valid ? SigningTimeProof.Timestamp : SigningTimeProof.None;
        _signer = ts.TsaCertificate?.SubjectDN.ToString();
        if (!ts.Valid)
        {
            _integrity = !ts.Problem.Contains("imprint");
            var sub = ts.Problem.Contains("imprint") ? SubIndication.HASH_FAILURE
                : ts.Problem.Contains("does not verify") ? SubIndication.SIG_CRYPTO_FAILURE
                : ts.Problem.Contains("chain") ? SubIndication.NO_CERTIFICATE_CHAIN_FOUND : SubIndication.FORMAT_FAILURE;
            return sub is SubIndication.NO_CERTIFICATE_CHAIN_FOUND ? Indeterminate(sub, "document timestamp: " + ts.Problem) : Fail(sub, "document timestamp: " + ts.Problem);
        }
        _integrity = true;
        _until = ts.VerifiableUntil;
        _level = "DocTimeStamp";
        ctx.DocumentTimestamps.Add((_revision, ts.Time!.Value, ts.VerifiableUntil));
        _checks.Add($"document timestamp by {_signer} at {ts.Time:u} verified; TSA chain valid until {ts.VerifiableUntil:u}");
        return ChangesVerdict() ?? (Indication.TOTAL_PASSED, SubIndication.NONE, "");
    }

    /// <summary>The signature field whose /V is this signature (it may carry a /Lock dictionary).</summary>
    private PdfDictionary? SignatureField() =>
        ctx.Doc.FinalObjects.Values.Select(o => o.Dict).FirstOrDefault(d => d?["V"] is PdfReference v && v.Number == sig.Object.Number);

    private (Indication, SubIndication, string)? ChangesVerdict()
    {
        var bad = _changes.Where(ch => !ch.Allowed).ToList();
        if (bad.Count == 0) return null;
        return Fail(SubIndication.SIG_CONSTRAINTS_FAILURE, "changes after signing that are not allowed: " + string.Join("; ", bad.Select(ch => $"revision {ch.Revision}: {ch.Description}")));
    }

    private async Task<(Indication, SubIndication, string)> DecideSignatureAsync(byte[] der, SignedRanges signedData)
    {
        // --- Format and signer identification (EN 319 102-1 5.2.2, 5.2.3) ---
        CmsSignedData cms;
        SignerInformation si;
        // adbe.pkcs7.sha1 (ISO 32000-1 12.8.3.3.1): the CMS encapsulates the SHA-1 digest of the byte range and signs that.
        bool sha1Subfilter = sig.SubFilter == "adbe.pkcs7.sha1";
        try
        {
            // Detached content given as precomputed digests: BouncyCastle never sees (or copies) the covered bytes.
            cms = sha1Subfilter ? new CmsSignedData(der) : new CmsSignedData(new PrecomputedDigests(signedData), der);
            var signers = cms.GetSignerInfos().GetSigners().Cast<SignerInformation>().ToList();
            if (signers.Count != 1) return Fail(SubIndication.FORMAT_FAILURE, $"CMS holds {signers.Count} signer infos; PAdES requires exactly one");
            si = signers[0];
        }
        catch (Exception e) { return Fail(SubIndication.FORMAT_FAILURE, $"/Contents is not a CMS SignedData ({e.GetType().Name})"); }
        // CAdES-based PAdES requires signed attributes (EN 319 142-1 5.1); the older adbe.* formats may omit them.
        if (si.SignedAttributes is null && sig.SubFilter is not ("adbe.pkcs7.detached" or "adbe.pkcs7.sha1"))
            return Fail(SubIndication.FORMAT_FAILURE, $"CMS has no signed attributes, which /SubFilter /{sig.SubFilter} requires");

        var cmsCerts = CertificateCache.FromCms(der) ?? cms.GetCertificates().EnumerateMatches(null).ToList();
        var trust = new CertificateChain(ctx.Anchors, cmsCerts.Concat(ctx.ExtraCertificates));
        var signerCert = trust.Pool.FirstOrDefault(cert => si.SignerID.Match(cert));
        if (signerCert is null) return Indeterminate(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, "the signer's certificate is not in the CMS, the DSS or the configured intermediates");
        _signer = signerCert.SubjectDN.ToString();
        _signerSha256 = Convert.ToHexString(SHA256.HashData(signerCert.GetEncoded()));
        _digestAlg = si.DigestAlgorithmID.Algorithm.Id switch
        {
            "1.3.14.3.2.26" => "SHA-1",
            "2.16.840.1.101.3.4.2.1" => "SHA-256",
            "2.16.840.1.101.3.4.2.2" => "SHA-384",
            "2.16.840.1.101.3.4.2.3" => "SHA-512",
            var oid => oid,
        };
        _signingTime = ClaimedTime(si);
        _proof = _signingTime is null ? SigningTimeProof.None : SigningTimeProof.Claimed;

        // --- Integrity (5.2.7): our own digest first, so a changed document reads HASH_FAILURE, not a crypto error ---
        var digestOid = si.DigestAlgorithmID.Algorithm.Id;
        byte[] digest;
        if (sha1Subfilter)
        {
            if (cms.SignedData.EncapContentInfo.Content is not Asn1OctetString { } encapsulatedString || encapsulatedString.GetOctets() is not { } encapsulated)
                return Fail(SubIndication.FORMAT_FAILURE, "adbe.pkcs7.sha1 signature without the encapsulated document digest");
            if (!encapsulated.AsSpan().SequenceEqual(signedData.Digest(Sha1Oid)))
            {
                _integrity = false;
                return Fail(SubIndication.HASH_FAILURE, "the SHA-1 digest of the signed byte range differs from the digest the adbe.pkcs7.sha1 signature encapsulates");
            }
            if (SignedRanges.DigestOf(digestOid, encapsulated) is not { } inner) return Fail(SubIndication.FORMAT_FAILURE, $"unsupported digest algorithm {digestOid}");
            digest = inner;
            _digestAlg = "SHA-1 (adbe.pkcs7.sha1 document digest)";
            _checks.Add("adbe.pkcs7.sha1: the encapsulated SHA-1 digest matches the signed byte range (lower assurance: the document is bound by SHA-1 only)");
        }
        else if (signedData.Digest(digestOid) is { } rangeDigest) digest = rangeDigest;
        else return Fail(SubIndication.FORMAT_FAILURE, $"unsupported digest algorithm {digestOid}");
        if (si.SignedAttributes is not null)
        {
            if (si.SignedAttributes[Org.BouncyCastle.Asn1.Cms.CmsAttributes.MessageDigest]?.AttrValues[0] is not Asn1OctetString md)
                return Fail(SubIndication.FORMAT_FAILURE, "message-digest signed attribute missing");
            if (!md.GetOctets().AsSpan().SequenceEqual(digest))
            {
                _integrity = false;
                return Fail(SubIndication.HASH_FAILURE, "the digest of the signed byte range differs from the signed message-digest attribute");
            }
        }
        else _checks.Add($"no signed attributes ({sig.SubFilter}, ISO 32000-1 12.8.3.3): the signature value covers the document digest directly; signing time and signing certificate are not protected by it (lower assurance)");
        var (verdict, why) = CmsSignatureCheck.Verify(si, signerCert, digest);
        switch (verdict)
        {
            case CmsVerdict.DigestMismatch:
                _integrity = false;
                return Fail(SubIndication.SIG_CRYPTO_FAILURE, why);
            case CmsVerdict.Unsupported:
                return Indeterminate(SubIndication.GENERIC, "the signature could not be checked: " + why);
            case CmsVerdict.Invalid:
                _integrity = false;
                return Fail(SubIndication.SIG_CRYPTO_FAILURE, "the signature value does not verify with the signer certificate's public key");
        }
        _integrity = true;
        _checks.Add(si.SignedAttributes is null ? "the signature value verifies over the document digest" : "message digest matches and the signature value verifies");

        var essProblem = SigningCertificateProblem(si, signerCert, out bool hasEss);
        if (essProblem is not null) return Indeterminate(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, essProblem);
        if (hasEss) _checks.Add("signing-certificate attribute matches the certificate used");
        else _checks.Add("no signing-certificate attribute (not PAdES baseline)");

        // --- Signature timestamp and proofs of existence (5.4, 5.6) ---
        DateTimeOffset? poe = null;
        bool hasSigTs = false;
        string? tsProblem = null;
        // Revocation sources log straight into the checks, so a fetch failure stays visible whatever the outcome.
        var crls = ctx.FinalDss.Crls.ToList();
        foreach (var crl in cms.GetCrls().EnumerateMatches(null)) crls.Add(crl.GetEncoded());
        var revocation = RevocationChecker.FromEncoded(ctx.Options, crls, ctx.FinalDss.Ocsps, _checks);
        var tsAttr = si.UnsignedAttributes?[PkcsObjectIdentifiers.IdAASignatureTimeStampToken];
        if (tsAttr is not null)
        {
            var signatureValue = si.GetSignature();
            var tokenObject = tsAttr.AttrValues[0].ToAsn1Object();
            Org.BouncyCastle.Asn1.Cms.ContentInfo? parsedToken = null;
            try { parsedToken = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(tokenObject); } catch (Exception) { /* TimestampCheck reports the bytes as not a token */ }
            var ts = TimestampCheck.Validate(tokenObject.GetEncoded(), oid => SignedRanges.DigestOf(oid, signatureValue), trust, ctx.Now, parsedToken);
            if (ts.Valid && await TsaRevocationProblemAsync(ts, revocation) is { } revoked)
                tsProblem = "signature timestamp rejected: " + revoked;
            else if (ts.Valid)
            {
                hasSigTs = true;
                poe = ts.Time;
                _until = ts.VerifiableUntil;
                _checks.Add($"signature timestamp at {ts.Time:u} by {ts.TsaCertificate?.SubjectDN} verified");
            }
            else tsProblem = "signature timestamp rejected: " + ts.Problem;
        }
        var laterDocTs = ctx.DocumentTimestamps.Where(t => t.Revision > _revision).OrderBy(t => t.Time).ToList();
        if (laterDocTs.Count > 0)
        {
            if (poe is null || laterDocTs[0].Time < poe) poe = laterDocTs[0].Time;
            _until = laterDocTs.OrderBy(t => t.Revision).Last().Until;
        }
        // A proof of existence from after the validation time does not exist yet as of that time (validation "as of" a past moment).
        if (poe is not null && poe > ctx.Now)
        {
            _checks.Add($"the timestamp at {poe:u} is later than the validation time {ctx.Now:u}, so it proves nothing as of that time");
            poe = null;
        }
        if (poe is not null) { _signingTime = poe; _proof = SigningTimeProof.Timestamp; }
        else _checks.Add("signing time is only claimed by the signer; no timestamp proves it");

        bool hasLt = hasSigTs || laterDocTs.Count > 0;
        var dssRevision = hasLt ? ctx.DssAddedAfter(_revision) : null;
        bool dssAfter = dssRevision is not null && (ctx.FinalDss.Crls.Count + ctx.FinalDss.Ocsps.Count) > 0;
        _level = !hasEss ? "PDF (not baseline)" : !hasLt ? "B-B" : !dssAfter ? "B-T"
            : ctx.DocumentTimestamps.Any(t => t.Revision > dssRevision) ? "B-LTA" : "B-LT";

        if (tsProblem is not null)
            return Indeterminate(SubIndication.SIG_CONSTRAINTS_FAILURE, tsProblem);

        // --- Trust: chain, usage, algorithms (5.2.4-5.2.6, 5.2.8) ---
        var chain = trust.Build(signerCert);
        if (chain is null) return Indeterminate(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, "no path from the signer's certificate to a configured trust anchor");
        _checks.Add("certificate path: " + string.Join(" -> ", chain.Select(x => x.SubjectDN.ToString())));
        var usage = CertificateChain.DocumentSigningUsageProblem(signerCert);
        if (usage is not null) return Indeterminate(SubIndication.CHAIN_CONSTRAINTS_FAILURE, usage);

        var proven = poe ?? ctx.Now;
        bool weak = sha1Subfilter || Sha1Oids.Contains(si.DigestAlgorithmID.Algorithm.Id) || CertificateChain.RsaKeyBits(signerCert) is > 0 and < 2048;
        if (weak && proven >= ctx.Options.WeakAlgorithmCutOff)
            return Indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
                $"{(sha1Subfilter || Sha1Oids.Contains(si.DigestAlgorithmID.Algorithm.Id) ? "SHA-1 digest" : "RSA key shorter than 2048 bits")} is not accepted after {ctx.Options.WeakAlgorithmCutOff:yyyy-MM-dd} and no proof of existence before that date exists");

        // --- Revocation and validity in time (5.2.5, 5.6.2) ---
        for (int i = 0; i < chain.Count - 1; i++)
        {
            var cert = chain[i];
            var status = await revocation.StatusAsync(cert, chain[i + 1], ctx.Ct);
            var who = i == 0 ? "signer's certificate" : $"CA certificate {cert.SubjectDN}";
            if (status.State == RevocationState.Revoked)
            {
                var r = status.RevokedAt!.Value;
                if (poe is not null && poe < r) { _checks.Add($"{who} revoked at {r:u}, after the proven signing time {poe:u}"); continue; }
                if (poe is not null) return Fail(SubIndication.REVOKED, $"{who} was revoked at {r:u}, before the timestamped signing time {poe:u}");
                if (_signingTime is { } claimed && claimed >= r) return Fail(SubIndication.REVOKED, $"{who} was revoked at {r:u}, before the claimed signing time {claimed:u}");
                return Indeterminate(SubIndication.REVOKED_NO_POE, $"{who} was revoked at {r:u}; no timestamp proves the signature predates it");
            }
            bool inValidity = CertificateChain.ValidAt(cert, ctx.Now);
            if (!inValidity)
            {
                if (poe is not null && CertificateChain.ValidAt(cert, poe.Value)) { _checks.Add($"{who} expired, but the signature is proven to exist at {poe:u} while it was valid"); continue; }
                return Indeterminate(status.State == RevocationState.Good ? SubIndication.OUT_OF_BOUNDS_NOT_REVOKED : SubIndication.OUT_OF_BOUNDS_NO_POE,
                    $"{who} is valid only {cert.NotBefore:u} to {cert.NotAfter:u} and no proof of existence within that period exists");
            }
            if (status.State == RevocationState.Unknown)
                return Indeterminate(SubIndication.TRY_LATER, $"no revocation information for the {who}" + (ctx.Options.Revocation == RevocationMode.Offline ? " in the file (offline mode)" : ""));
            // Freshness (EN 319 102-1 5.2.5.4): the status must be issued after the best signing time, or be recent
            // relative to the validation time (policy: RevocationFreshness); otherwise it says nothing about that moment.
            var best = poe ?? _signingTime ?? ctx.Now;
            if (status.IssuedAt < best.AddMinutes(-5) && status.IssuedAt < ctx.Now - ctx.Options.RevocationFreshness)
                return Indeterminate(SubIndication.TRY_LATER, $"revocation information for the {who} ({status.Source}, {status.IssuedAt:u}) predates the signing time {best:u} and is older than {ctx.Options.RevocationFreshness.TotalHours:0} hours");
            _checks.Add($"{who}: not revoked ({status.Source} issued {status.IssuedAt:u})");
        }
        if (!CertificateChain.ValidAt(chain[^1], ctx.Now) && !(poe is not null && CertificateChain.ValidAt(chain[^1], poe.Value)))
            return Indeterminate(SubIndication.OUT_OF_BOUNDS_NO_POE, "the trust anchor certificate is outside its validity period");

        return ChangesVerdict() ?? (Indication.TOTAL_PASSED, SubIndication.NONE, "");
    }

    /// <summary>
    /// Revocation of the TSA's chain (EN 319 102-1 5.4: a time-stamp is validated like a signature). A certificate
    /// revoked at or before the time-stamp time makes the token worthless as a proof; one revoked later does not. When
    /// no revocation data is available the check says so and the token is still used, as before this check existed.
    /// </summary>
    private async Task<string?> TsaRevocationProblemAsync(TimestampResult ts, RevocationChecker revocation)
    {
        var chain = ts.Chain;
        for (int i = 0; i < chain.Count - 1; i++)
        {
            var status = await revocation.StatusAsync(chain[i], chain[i + 1], ctx.Ct);
            var who = i == 0 ? "TSA certificate" : $"TSA's CA certificate {chain[i].SubjectDN}";
            switch (status.State)
            {
                case RevocationState.Revoked when status.RevokedAt <= ts.Time:
                    return $"the {who} was revoked at {status.RevokedAt:u}, before the time-stamp time {ts.Time:u}";
                case RevocationState.Revoked:
                    _checks.Add($"{who} revoked at {status.RevokedAt:u}, after the time-stamp time {ts.Time:u}");
                    break;
                case RevocationState.Good:
                    _checks.Add($"{who}: not revoked ({status.Source} issued {status.IssuedAt:u})");
                    break;
                default:
                    _checks.Add($"{who}: no revocation information, its revocation status is not proven");
                    break;
            }
        }
        return null;
    }

    private DateTimeOffset? ClaimedTime(SignerInformation si)
    {
        if (si.SignedAttributes?[Org.BouncyCastle.Asn1.Cms.CmsAttributes.SigningTime] is { } st)
            try { return new DateTimeOffset(Org.BouncyCastle.Asn1.Cms.Time.GetInstance(st.AttrValues[0]).ToDateTime().ToUniversalTime()); } catch (Exception) { }
        return sig.Dict["M"] is PdfString m ? ParsePdfDate(m.Text()) : null;
    }

    internal static DateTimeOffset? ParsePdfDate(string s)
    {
        if (s.StartsWith("D:")) s = s[2..];
        if (s.Length < 14) return null;
        if (!DateTime.TryParseExact(s[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        var offset = TimeSpan.Zero;
        if (s.Length >= 20 && (s[14] == '+' || s[14] == '-') && int.TryParse(s.AsSpan(15, 2), out var hh) && int.TryParse(s.AsSpan(18, 2), out var mm))
            offset = new TimeSpan(hh, mm, 0) * (s[14] == '-' ? -1 : 1);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>ESS signing-certificate(-v2) must name the certificate that verifies (RFC 5035, EN 319 122-1 5.2.2).</summary>
    private static string? SigningCertificateProblem(SignerInformation si, X509Certificate cert, out bool present)
    {
        present = false;
        if (si.SignedAttributes is null) return null;
        var encoded = cert.GetEncoded();
        if (si.SignedAttributes[PkcsObjectIdentifiers.IdAASigningCertificateV2] is { } v2)
        {
            present = true;
            var ids = SigningCertificateV2.GetInstance(v2.AttrValues[0]).GetCerts();
            if (ids.Length == 0) return "signing-certificate-v2 attribute is empty";
            var alg = ids[0].HashAlgorithm.Algorithm.Id;
            var hash = DigestUtilities.DoFinal(DigestUtilities.GetDigest(alg), encoded);
            return hash.AsSpan().SequenceEqual(ids[0].GetCertHash()) ? null : "signing-certificate-v2 attribute names a different certificate than the one that verifies the signature";
        }
        if (si.SignedAttributes[PkcsObjectIdentifiers.IdAASigningCertificate] is { } v1)
        {
            present = true;
            var ids = SigningCertificate.GetInstance(v1.AttrValues[0]).GetCerts();
            if (ids.Length == 0) return "signing-certificate attribute is empty";
            return SHA1.HashData(encoded).AsSpan().SequenceEqual(ids[0].GetCertHash()) ? null : "signing-certificate attribute names a different certificate than the one that verifies the signature";
        }
        return null;
    }
}

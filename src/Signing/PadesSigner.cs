using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Appearance;
using Signing.Certificates;
using Signing.Cms;
using Signing.Pdf;
using Signing.Revocation;
using Signing.Signers;
using Signing.Timestamping;

namespace Signing;

/// <summary>
/// Signs PDFs as PAdES baseline signatures by incremental update. All work happens in memory and the
/// output stream is written only once every required piece (timestamp, revocation data) is in hand. The input is read
/// once into one array, hashed once, and written out unchanged followed by the update; it is not copied for B-B and B-T.
/// </summary>
public sealed class PadesSigner
{
    private const int BaseReserve = 4096;
    private const int TimestampReserve = 8192;

    public async Task<SignResult> SignAsync(Stream input, Stream output, PadesSignOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options.Signer);
        var original = await ReadAllAsync(input, cancellationToken).ConfigureAwait(false);
        var doc = Open(original);
        var signer = options.Signer;
        var now = options.Clock.GetUtcNow();
        CertificateChecker.EnsureUsable(signer, options.TrustAnchors, now);

        var needsTimestamp = options.Level >= PadesLevel.B_T;
        var tsa = options.ResolveTimestampClient();
        if (needsTimestamp && tsa is null)
            throw new TimestampUnavailableException($"Level {options.Level} needs a timestamp authority but none is configured.");
        var revocationMode = options.Level >= PadesLevel.B_LT ? RevocationMode.Required : options.RevocationMode;
        var revocation = options.RevocationClient ?? new RevocationClient();

        var reserve = BaseReserve + signer.Certificate.RawData.Length + signer.Chain.Sum(c => c.RawData.Length) + (needsTimestamp ? TimestampReserve : 0);
        CadesSignatureBuilder.HashOf(signer.HashAlgorithm, []); // unsupported algorithms fail here, before any work
        // The original is hashed once, however many layouts it takes; the SHA-256 of the output continues from the same state when it can.
        using var prefixState = IncrementalHash.CreateHash(signer.HashAlgorithm);
        prefixState.AppendData(original);
        PreparedSignature prepared;
        byte[] cms;
        TimestampToken? token = null;
        while (true)
        {
            prepared = SignatureFieldWriter.Prepare(doc, "Sig", "ETSI.CAdES.detached", now.ToOffset(options.Appearance.TimeZoneOffset), reserve, options.Appearance, now);
            var digest = prepared.Digest(signer.HashAlgorithm, prefixState);
            var attrs = CadesSignatureBuilder.SignedAttributes(digest, signer.Certificate, signer.HashAlgorithm);
            var signature = await signer.SignDigestAsync(CadesSignatureBuilder.HashOf(signer.HashAlgorithm, attrs), cancellationToken).ConfigureAwait(false);
            if (needsTimestamp)
                token = await tsa!.GetTokenAsync(SHA256.HashData(signature), HashAlgorithmName.SHA256, cancellationToken).ConfigureAwait(false);
            cms = CadesSignatureBuilder.Assemble(attrs, signature, signer, token?.Encoded);
            if (prepared.TryFill(cms)) break;
            reserve = cms.Length + 2048; // measured: lay out again with room to spare
        }

        // B-B and B-T end here: the output is the original followed by this one update, written without a copy.
        // B-LT and B-LTA parse the signed file again to add their updates, so it is materialized once.
        byte[]? signedFile = null;
        var anchors = options.TrustAnchors;
        var pool = signer.Chain.Concat(anchors).Concat(token?.Certificates ?? []).ToList();
        var signerChain = new[] { signer.Certificate }.Concat(signer.Chain).ToList();
        if (revocationMode != RevocationMode.None)
        {
            var evidence = await CollectRevocationAsync(signerChain, pool, revocation, revocationMode, cancellationToken).ConfigureAwait(false);
            if (options.Level >= PadesLevel.B_LT)
            {
                var tsaChain = token?.TsaCertificate is { } tc ? ChainOf(tc, pool) : [];
                var tsaEvidence = await CollectRevocationAsync(tsaChain, pool, revocation, RevocationMode.Required, cancellationToken).ConfigureAwait(false);
                var certs = ChainOf(signer.Certificate, pool).Concat(tsaChain).Select(c => c.RawData);
                var all = evidence.Concat(tsaEvidence).ToList();
                signedFile = DssWriter.Append(prepared.ToArray(), certs, all.Where(e => e.OcspResponse is not null).Select(e => e.OcspResponse!),
                    all.Where(e => e.Crl is not null).Select(e => e.Crl!));
            }
        }

        byte[] outputSha256;
        long outputLength;
        if (options.Level == PadesLevel.B_LTA)
        {
            var (stamped, _) = await AppendDocumentTimestampAsync(signedFile ?? prepared.ToArray(), tsa!, cancellationToken).ConfigureAwait(false);
            outputSha256 = await stamped.WriteToAsync(output, null, cancellationToken).ConfigureAwait(false);
            outputLength = stamped.Length;
        }
        else if (signedFile is not null)
        {
            await output.WriteAsync(signedFile, cancellationToken).ConfigureAwait(false);
            outputSha256 = SHA256.HashData(signedFile);
            outputLength = signedFile.LongLength;
        }
        else
        {
            outputSha256 = await prepared.WriteToAsync(output, signer.HashAlgorithm == HashAlgorithmName.SHA256 ? prefixState : null, cancellationToken).ConfigureAwait(false);
            outputLength = prepared.Length;
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new SignResult(
            options.Level,
            Convert.ToHexString(SHA256.HashData(signer.Certificate.RawData)),
            signer.Certificate.Subject,
            Convert.ToHexString(SHA256.HashData(cms)),
            now,
            token?.Time,
            Convert.ToHexString(outputSha256),
            outputLength);
    }

    /// <summary>
    /// Adds a document timestamp (/DocTimeStamp, ETSI.RFC3161) over the whole file; used to reach or renew B-LTA.
    /// By default first stores validation data for the TSAs of the timestamps already present.
    /// </summary>
    public async Task<DocumentTimestampResult> AddDocumentTimestampAsync(Stream input, Stream output, DocumentTimestampOptions options, CancellationToken cancellationToken = default)
    {
        var tsa = options.ResolveTimestampClient() ?? throw new TimestampUnavailableException("No timestamp authority configured.");
        var file = await ReadAllAsync(input, cancellationToken).ConfigureAwait(false);
        var doc = Open(file);
        if (options.AddValidationDataFirst)
        {
            var certs = new List<X509Certificate2>();
            foreach (var sig in SignatureDictionaries.Read(doc))
                certs.AddRange(CertificatesOf(sig.ContentsWithoutPadding()));
            var pool = certs.Concat(options.TrustAnchors).ToList();
            var leaves = certs.Where(c => !IsSelfIssued(c)).DistinctBy(c => c.Thumbprint).ToList();
            var revocation = options.RevocationClient ?? new RevocationClient();
            var chains = leaves.SelectMany(l => ChainOf(l, pool)).DistinctBy(c => c.Thumbprint).ToList();
            var evidence = await CollectRevocationAsync(chains, pool, revocation, RevocationMode.Required, cancellationToken).ConfigureAwait(false);
            file = DssWriter.Append(file, chains.Select(c => c.RawData), evidence.Where(e => e.OcspResponse is not null).Select(e => e.OcspResponse!),
                evidence.Where(e => e.Crl is not null).Select(e => e.Crl!));
        }
        var (stamped, token) = await AppendDocumentTimestampAsync(file, tsa, cancellationToken).ConfigureAwait(false);
        var sha256 = await stamped.WriteToAsync(output, null, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new DocumentTimestampResult(token.Time, token.TsaCertificate?.Subject ?? "", Convert.ToHexString(sha256), stamped.Length);
    }

    private static async Task<(PreparedSignature File, TimestampToken Token)> AppendDocumentTimestampAsync(byte[] file, ITimestampClient tsa, CancellationToken ct)
    {
        var doc = Open(file);
        var reserve = BaseReserve + TimestampReserve;
        using var prefixState = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        prefixState.AppendData(file);
        while (true)
        {
            var prepared = SignatureFieldWriter.Prepare(doc, "DocTimeStamp", "ETSI.RFC3161", null, reserve, SignatureAppearance.Invisible, default);
            var token = await tsa.GetTokenAsync(prepared.Digest(HashAlgorithmName.SHA256, prefixState), HashAlgorithmName.SHA256, ct).ConfigureAwait(false);
            if (prepared.TryFill(token.Encoded)) return (prepared, token);
            reserve = token.Encoded.Length + 2048;
        }
    }

    private static async Task<List<RevocationEvidence>> CollectRevocationAsync(
        IReadOnlyList<X509Certificate2> chain, IReadOnlyList<X509Certificate2> pool, RevocationClient client, RevocationMode mode, CancellationToken ct)
    {
        var evidence = new List<RevocationEvidence>();
        foreach (var cert in chain)
        {
            if (IsSelfIssued(cert)) continue; // trust anchors are not checked for revocation
            var issuer = IssuerOf(cert, pool);
            if (issuer is null)
            {
                if (mode == RevocationMode.Required) throw new RevocationException($"Issuer of '{cert.Subject}' is unknown; cannot check revocation.");
                continue;
            }
            RevocationEvidence e;
            try
            {
                e = await client.CheckAsync(cert, issuer, ct).ConfigureAwait(false);
            }
            catch (RevocationException) when (mode == RevocationMode.BestEffort)
            {
                continue; // unavailable answers are tolerated in best-effort mode; a revoked status is not
            }
            if (e.Status == RevocationStatus.Revoked) throw new RevocationException($"Certificate '{cert.Subject}' is revoked (according to {e.Source}).");
            if (e.Status == RevocationStatus.Unknown && mode == RevocationMode.Required)
                throw new RevocationException($"Revocation status of '{cert.Subject}' is unknown to {e.Source}.");
            evidence.Add(e);
        }
        return evidence;
    }

    internal static List<X509Certificate2> ChainOf(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> pool)
    {
        var chain = new List<X509Certificate2> { leaf };
        var current = leaf;
        while (!IsSelfIssued(current) && chain.Count < 10)
        {
            var issuer = IssuerOf(current, pool);
            if (issuer is null || chain.Any(c => c.Thumbprint == issuer.Thumbprint)) break;
            chain.Add(issuer);
            current = issuer;
        }
        return chain;
    }

    private static X509Certificate2? IssuerOf(X509Certificate2 cert, IReadOnlyList<X509Certificate2> pool) =>
        pool.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData) && SignedBy(cert, c));

    private static bool SignedBy(X509Certificate2 cert, X509Certificate2 issuer) =>
        VerificationCache.Verify(() =>
        {
            CertificateCache.Of(cert).Verify(CertificateCache.PublicKey(CertificateCache.Of(issuer)));
            return true;
        }, cert.RawData, issuer.RawData);

    private static bool IsSelfIssued(X509Certificate2 c) => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData);

    private static IEnumerable<X509Certificate2> CertificatesOf(byte[] cms)
    {
        var result = new List<X509Certificate2>();
        try
        {
            var signed = new SignedCms();
            signed.Decode(cms);
            result.AddRange(signed.Certificates);
            foreach (var si in signed.SignerInfos)
                foreach (var attr in si.UnsignedAttributes)
                    if (attr.Oid.Value == "1.2.840.113549.1.9.16.2.14")
                        foreach (var v in attr.Values) result.AddRange(CertificatesOf(v.RawData));
        }
        catch (CryptographicException) { /* not a CMS we understand: contributes no certificates */ }
        return result;
    }

    private static PdfDocumentReader Open(byte[] file)
    {
        try { return new PdfDocumentReader(file); }
        catch (PdfFormatException e) { throw new SigningException($"The input is not a PDF this signer can update: {e.Message}", e); }
    }

    private static async Task<byte[]> ReadAllAsync(Stream input, CancellationToken ct)
    {
        if (input.CanSeek && input.Length - input.Position is var remaining && remaining <= Array.MaxLength)
        {
            // One exactly sized read instead of a growing buffer and its final copy (20 MB scans copied three times before).
            var exact = new byte[remaining];
            await input.ReadExactlyAsync(exact, ct).ConfigureAwait(false);
            var probe = new byte[1];
            if (await input.ReadAsync(probe, ct).ConfigureAwait(false) == 0) return exact;
            // The stream grew while being read: take the rest as it comes.
            using var rest = new MemoryStream();
            rest.Write(exact);
            rest.Write(probe);
            await input.CopyToAsync(rest, ct).ConfigureAwait(false);
            return rest.ToArray();
        }
        using var ms = new MemoryStream();
        await input.CopyToAsync(ms, ct).ConfigureAwait(false);
        return ms.ToArray();
    }
}

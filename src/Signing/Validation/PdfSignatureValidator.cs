using Signing.Certificates;
using Signing.Pdf;
using System.Security.Cryptography;
using Org.BouncyCastle.X509;
using Signing.Validation.Pdf;

namespace Signing.Validation;

/// <summary>
/// Validates every signature and document timestamp of a PDF following the ETSI EN 319 102-1 building blocks
/// (format, identification of the signing certificate, cryptographic verification, X.509 validation, time and
/// revocation) plus PAdES-specific checks (byte range, changes after signing, DSS). Never throws for bad input.
/// </summary>
public sealed class PdfSignatureValidator
{
    public async Task<ValidationReport> ValidateAsync(Stream pdf, ValidationOptions options, CancellationToken cancellationToken = default)
    {
        var now = options.ValidationTime ?? DateTimeOffset.UtcNow;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A zero budget must mean "no time at all", deterministically; CancelAfter(0) may fire on a timer thread.
        if (options.TimeBudget <= TimeSpan.Zero) budget.Cancel();
        else budget.CancelAfter(options.TimeBudget);
        FileBuffer? file = null;
        try
        {
            file = await ReadBoundedAsync(pdf, options.MaxFileBytes, budget.Token);
            if (file is null)
                return DocumentFailure(now, null, Indication.INDETERMINATE, SubIndication.GENERIC, $"file larger than the configured limit of {options.MaxFileBytes} bytes");
            var (data, length) = (file.Data, file.Length);
            // Awaited to the end (Task.Run only skips a task that has not started), so the buffer is free in the finally.
            return await Task.Run(() => ValidateCoreAsync(data, length, options, now, budget.Token), budget.Token);
        }
        catch (OperationCanceledException)
        {
            return DocumentFailure(now, null, Indication.INDETERMINATE, SubIndication.GENERIC,
                cancellationToken.IsCancellationRequested ? "validation was cancelled" : "validation exceeded its time budget");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return DocumentFailure(now, null, Indication.INDETERMINATE, SubIndication.GENERIC, $"unexpected error while reading the file: {e.GetType().Name}");
        }
        finally
        {
            file?.Return();
        }
    }

    /// <summary>
    /// Files are read into buffers from a pool of our own: a fresh array per file lands on the large-object heap and,
    /// validating one file after another, forced a full (gen 2) collection every few files; under server GC that
    /// tripled the CPU per file. Only Data[0..Length) is the file; a buffer is never handed out while in use.
    /// </summary>
    private sealed class FileBuffer(byte[] data, int length, bool pooled)
    {
        private static readonly System.Buffers.ArrayPool<byte> Pool = System.Buffers.ArrayPool<byte>.Create(128 * 1024 * 1024, 4);

        public byte[] Data => data;
        public int Length => length;

        public static FileBuffer Rent(int length) => new(Pool.Rent(length), length, true);

        public void Return()
        {
            if (!pooled) return;
            try { Pool.Return(data); } catch (ArgumentException) { /* not a pool-sized array (e.g. beyond the pool's largest): left to the GC */ }
        }
    }

    private static async Task<FileBuffer?> ReadBoundedAsync(Stream s, long max, CancellationToken ct)
    {
        if (s.CanSeek)
        {
            // Files and buffers: one read into a pooled buffer, no growing buffer and final copy.
            var remaining = s.Length - s.Position;
            if (remaining > max) return null;
            var rented = FileBuffer.Rent((int)remaining);
            try
            {
                await s.ReadExactlyAsync(rented.Data.AsMemory(0, rented.Length), ct);
                // A stream that grew while being read is read on as unknown-length data.
                if (await s.ReadAsync(new byte[1], ct) == 0) return rented;
            }
            catch (Exception)
            {
                rented.Return();
                throw;
            }
            rented.Return();
            s.Position -= remaining + 1;
        }
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await s.ReadAsync(buffer, ct)) > 0)
        {
            if (ms.Length + n > max) return null;
            ms.Write(buffer, 0, n);
        }
        return new FileBuffer(ms.GetBuffer(), (int)ms.Length, pooled: false);
    }

    private static ValidationReport DocumentFailure(DateTimeOffset now, string? sha256, Indication ind, SubIndication sub, string problem) => new()
    {
        ValidationTime = now,
        DocumentSha256 = sha256,
        DocumentIndication = ind,
        DocumentSubIndication = sub,
        Problems = [problem],
        Explanation = new Explanation("The file could not be validated: " + problem + ".", "Không thể xác thực tệp: " + problem + " (chi tiết bằng tiếng Anh)."),
    };

    private static async Task<ValidationReport> ValidateCoreAsync(byte[] data, int length, ValidationOptions options, DateTimeOffset now, CancellationToken ct)
    {
        PdfDocumentModel doc;
        List<SignatureDictionary> sigs;
        try
        {
            doc = new PdfDocumentModel(data, length, options, ct);
            sigs = doc.Signatures();
        }
        catch (PdfFormatException e)
        {
            return DocumentFailure(now, Convert.ToHexString(SHA256.HashData(data.AsSpan(0, length))), Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE, "not a readable PDF: " + e.Message);
        }
        var problems = new List<string>();
        if (sigs.Count > options.MaxSignatures)
        {
            problems.Add($"only the first {options.MaxSignatures} of {sigs.Count} signatures were validated");
            sigs = sigs.Take(options.MaxSignatures).ToList();
        }

        using var hashes = new PrefixHashes(data, length);
        var context = new DocumentContext(doc, hashes, options, now, ct);
        // Document timestamps first: they are proofs of existence for the signatures in earlier revisions.
        var reports = new Dictionary<SignatureDictionary, SignatureReport>();
        foreach (var s in sigs.Where(s => s.IsDocumentTimestamp))
            reports[s] = await SafeEvaluate(context, s);
        foreach (var s in sigs.Where(s => !s.IsDocumentTimestamp))
            reports[s] = await SafeEvaluate(context, s);
        var ordered = sigs.Select(s => reports[s]).OrderBy(r => r.Revision).ToList();

        if (sigs.Count == 0) problems.Add("the document contains no signature or document timestamp");
        var docIndication = ordered.Count == 0 ? Indication.INDETERMINATE
            : ordered.Any(r => r.Indication == Indication.TOTAL_FAILED) ? Indication.TOTAL_FAILED
            : ordered.Any(r => r.Indication == Indication.INDETERMINATE) ? Indication.INDETERMINATE
            : Indication.TOTAL_PASSED;
        var worst = ordered.FirstOrDefault(r => r.Indication == docIndication && r.Indication != Indication.TOTAL_PASSED);
        return new ValidationReport
        {
            ValidationTime = now,
            DocumentSha256 = Convert.ToHexString(hashes.Whole(HashAlgorithmName.SHA256)),
            RevisionCount = doc.RevisionEnds.Count,
            DocumentIndication = docIndication,
            DocumentSubIndication = worst?.SubIndication ?? SubIndication.NONE,
            Signatures = ordered,
            Problems = problems,
            VerifiableUntil = context.DocumentVerifiableUntil,
            Explanation = Explanations.ForDocument(docIndication, ordered.Count, ordered.Count(r => r.Indication == Indication.TOTAL_PASSED)),
        };
    }

    private static async Task<SignatureReport> SafeEvaluate(DocumentContext context, SignatureDictionary s)
    {
        try { return await new SignatureEvaluation(context, s).RunAsync(); }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything unforeseen in hostile input is a format problem of this signature, never a crash.
            return new SignatureReport
            {
                FieldName = s.FieldName,
                Kind = s.IsDocumentTimestamp ? SignatureKind.DocumentTimestamp : SignatureKind.Signature,
                Indication = Indication.TOTAL_FAILED,
                SubIndication = SubIndication.FORMAT_FAILURE,
                Checks = [$"unexpected {e.GetType().Name}: {e.Message}"],
                Explanation = Explanations.For(Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE, e.Message),
            };
        }
    }
}

/// <summary>What all signatures of one document share: trust material, DSS content, document timestamps as proofs.</summary>
internal sealed class DocumentContext
{
    public PdfDocumentModel Doc { get; }
    public ValidationOptions Options { get; }
    public DateTimeOffset Now { get; }
    public CancellationToken Ct { get; }
    public DssContent FinalDss { get; }
    public List<X509Certificate> Anchors { get; } = [];
    public List<X509Certificate> ExtraCertificates { get; } = [];
    public List<string> DocumentLog { get; } = [];
    /// <summary>Valid document timestamps: revision they cover and time they prove.</summary>
    public List<(int Revision, DateTimeOffset Time, DateTimeOffset? Until)> DocumentTimestamps { get; } = [];
    public (int? Permission, int SignatureObject)? DocMdp { get; }
    public int? DssRevision { get; }

    public PrefixHashes Hashes { get; }

    public DocumentContext(PdfDocumentModel doc, PrefixHashes hashes, ValidationOptions options, DateTimeOffset now, CancellationToken ct)
    {
        Doc = doc; Hashes = hashes; Options = options; Now = now; Ct = ct;
        FinalDss = doc.Dss(doc.Length);
        foreach (var a in options.TrustAnchors) Anchors.Add(CertificateCache.Parse(a.RawData) ?? throw new ArgumentException("a configured trust anchor is not a certificate"));
        foreach (var c in options.ExtraIntermediates) ExtraCertificates.Add(CertificateCache.Parse(c.RawData) ?? throw new ArgumentException("a configured intermediate is not a certificate"));
        foreach (var c in FinalDss.Certificates)
        {
            X509Certificate? parsed = null;
            try { parsed = CertificateCache.Parse(c); } catch (Exception) { }
            if (parsed is null) DocumentLog.Add("an unreadable DSS certificate was ignored");
            else ExtraCertificates.Add(parsed);
        }
        var mdp = doc.DocMdp();
        if (mdp is { } m) DocMdp = (m.Permission, m.SignatureObject);
        for (int rev = 1; rev <= doc.RevisionEnds.Count; rev++)
            if (doc.Dss(doc.RevisionEnds[rev - 1]).Present) { DssRevision = rev; break; }
    }

    /// <summary>
    /// The first revision after <paramref name="revision"/> that wrote the DSS (null if none). The first DSS of the
    /// file is not enough: a file signed again after a B-LT/B-LTA round already has a DSS before its second
    /// signature, and that signature's B-LT step rewrites the DSS in a later revision (possibly with no new data,
    /// when the responses it fetched were already there).
    /// </summary>
    public int? DssAddedAfter(int revision)
    {
        if (DssRevision is not { } first) return null;
        if (first > revision) return first;
        var signedEnd = Doc.RevisionEnds[revision - 1];
        for (int rev = revision + 1; rev <= Doc.RevisionEnds.Count; rev++)
            if (Doc.DssWrittenAt(Doc.RevisionEnds[rev - 1]) is { } at && at >= signedEnd) return rev;
        return null;
    }

    public DateTimeOffset? DocumentVerifiableUntil =>
        DocumentTimestamps.Count == 0 ? null : DocumentTimestamps.OrderBy(t => t.Revision).Last().Until;
}

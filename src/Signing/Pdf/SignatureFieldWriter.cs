using System.Security.Cryptography;
using System.Text;
using Signing.Appearance;

namespace Signing.Pdf;

/// <summary>
/// A file with a signature placeholder whose /ByteRange is already fixed; only /Contents remains to be filled. Held as
/// the untouched original (<see cref="Prefix"/>) and the appended update (<see cref="Tail"/>): the original is never
/// copied, its digest can be computed once and reused, and it is written out as it was read.
/// </summary>
public sealed class PreparedSignature
{
    internal PreparedSignature(byte[] prefix, byte[] tail, int contentsStart, int contentsEnd)
    {
        Prefix = prefix;
        Tail = tail;
        ContentsStart = contentsStart;
        ContentsEnd = contentsEnd;
    }

    /// <summary>The input, byte for byte; the output starts with it.</summary>
    public byte[] Prefix { get; }
    /// <summary>The incremental update appended after <see cref="Prefix"/>, holding the placeholder.</summary>
    public byte[] Tail { get; }
    /// <summary>Absolute offsets (in prefix + tail) of the /Contents hex string, angle brackets included.</summary>
    public int ContentsStart { get; }
    public int ContentsEnd { get; }
    public long Length => (long)Prefix.Length + Tail.Length;
    public int Capacity => (ContentsEnd - ContentsStart - 2) / 2;
    public long[] ByteRange => [0, ContentsStart, ContentsEnd, Length - ContentsEnd];

    /// <summary>The whole file (one copy): for the steps that must parse it again (DSS, document timestamp).</summary>
    public byte[] ToArray()
    {
        var file = new byte[Length];
        Prefix.CopyTo(file, 0);
        Tail.CopyTo(file, Prefix.Length);
        return file;
    }

    /// <summary>
    /// Digest of the signed byte ranges. <paramref name="prefixState"/>, when given, has already consumed
    /// <see cref="Prefix"/> with the same algorithm and is cloned, so repeated layouts hash the original only once.
    /// </summary>
    public byte[] Digest(HashAlgorithmName algorithm, IncrementalHash? prefixState = null)
    {
        using var h = prefixState?.Clone() ?? IncrementalHash.CreateHash(algorithm);
        if (prefixState is null) h.AppendData(Prefix);
        h.AppendData(Tail.AsSpan(0, ContentsStart - Prefix.Length));
        h.AppendData(Tail.AsSpan(ContentsEnd - Prefix.Length));
        return h.GetHashAndReset();
    }

    /// <summary>Writes the DER into the placeholder; false if it does not fit (never truncates).</summary>
    public bool TryFill(byte[] der)
    {
        if (der.Length > Capacity) return false;
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexString(der));
        hex.CopyTo(Tail, ContentsStart + 1 - Prefix.Length);
        return true;
    }

    /// <summary>Writes prefix and tail to <paramref name="output"/> and returns the SHA-256 of what was written.</summary>
    public async Task<byte[]> WriteToAsync(Stream output, IncrementalHash? prefixSha256, CancellationToken ct)
    {
        using var h = prefixSha256?.Clone() ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (prefixSha256 is null) h.AppendData(Prefix);
        h.AppendData(Tail);
        await output.WriteAsync(Prefix, ct).ConfigureAwait(false);
        await output.WriteAsync(Tail, ct).ConfigureAwait(false);
        return h.GetHashAndReset();
    }
}

/// <summary>Adds a signature (or document timestamp) field, its widget and placeholder value in one incremental update.</summary>
internal static class SignatureFieldWriter
{
    private const string ByteRangePlaceholder = "[0 0000000000 0000000000 0000000000]";

    public static PreparedSignature Prepare(
        PdfDocumentReader doc,
        string type,
        string subFilter,
        DateTimeOffset? signingTime,
        int reservedBytes,
        SignatureAppearance appearance,
        DateTimeOffset appearanceTime)
    {
        var update = new IncrementalUpdate(doc);
        var page = doc.GetFirstPage();
        var catalog = doc.Catalog.Copy();

        var sig = new PdfDictionary()
            .Set("Type", new PdfName(type))
            .Set("Filter", new PdfName("Adobe.PPKLite"))
            .Set("SubFilter", new PdfName(subFilter))
            .Set("ByteRange", new PdfRaw(ByteRangePlaceholder))
            .Set("Contents", new PdfRaw("<" + new string('0', reservedBytes * 2) + ">"));
        if (signingTime is { } t) sig.Set("M", PdfString.FromText(SignatureDictionaries.PdfDate(t)));
        var sigRef = update.Add(sig);

        var existing = SignatureDictionaries.Read(doc);
        var names = new HashSet<string>(existing.Select(s => s.FieldName));
        var prefix = type == "DocTimeStamp" ? "Timestamp" : "Signature";
        var n = existing.Count + 1;
        while (names.Contains($"{prefix}{n}")) n++;

        var widget = new PdfDictionary()
            .Set("Type", new PdfName("Annot"))
            .Set("Subtype", new PdfName("Widget"))
            .Set("FT", new PdfName("Sig"))
            .Set("T", PdfString.FromText($"{prefix}{n}"))
            .Set("V", sigRef)
            .Set("F", new PdfNumber(132)) // Print + Locked
            .Set("P", page.Reference);
        if (appearance.Visible)
        {
            var (rect, ap) = AppearanceWriter.Write(update, page, appearance.LinesFor(appearanceTime), appearance);
            widget.Set("Rect", new PdfArray(rect.Select(v => (PdfObject)PdfNumber.Of(v)).ToList()));
            widget.Set("AP", new PdfDictionary().Set("N", ap));
        }
        else widget.Set("Rect", new PdfArray(new PdfNumber(0), new PdfNumber(0), new PdfNumber(0), new PdfNumber(0)));
        var widgetRef = update.Add(widget);

        AppendToPageAnnots(doc, update, page, widgetRef);
        AddToAcroForm(doc, update, catalog, widgetRef);

        var (tail, offsets) = update.BuildTail();
        var origin = doc.Data.Length;
        var sigStart = (int)offsets[sigRef.Number] - origin;
        var brPos = PdfParser.IndexOf(tail, Encoding.ASCII.GetBytes("/ByteRange " + ByteRangePlaceholder), sigStart) + "/ByteRange ".Length;
        var contentsStart = PdfParser.IndexOf(tail, "/Contents <"u8, sigStart) + "/Contents ".Length + origin;
        var contentsEnd = contentsStart + reservedBytes * 2 + 2;
        var range = $"[0 {contentsStart} {contentsEnd} {(long)origin + tail.Length - contentsEnd}]";
        var padded = range.PadRight(ByteRangePlaceholder.Length);
        Encoding.ASCII.GetBytes(padded).CopyTo(tail, brPos);
        return new PreparedSignature(doc.Data, tail, contentsStart, contentsEnd);
    }

    private static void AppendToPageAnnots(PdfDocumentReader doc, IncrementalUpdate update, PageInfo page, PdfReference widget)
    {
        var annots = page.Dictionary["Annots"];
        if (annots is PdfReference arrayRef && doc.GetObject(arrayRef) is PdfArray shared)
        {
            update.Replace(arrayRef.Number, new PdfArray(new List<PdfObject>(shared.Items) { widget }));
            return;
        }
        var list = annots is PdfArray a ? new List<PdfObject>(a.Items) : new List<PdfObject>();
        list.Add(widget);
        update.Replace(page.Reference.Number, page.Dictionary.Copy().Set("Annots", new PdfArray(list)));
    }

    private static void AddToAcroForm(PdfDocumentReader doc, IncrementalUpdate update, PdfDictionary catalog, PdfReference widget)
    {
        var formObj = catalog["AcroForm"];
        var form = (doc.Resolve(formObj) as PdfDictionary)?.Copy() ?? new PdfDictionary();
        var fields = doc.Resolve(form["Fields"]) is PdfArray f ? new List<PdfObject>(f.Items) : new List<PdfObject>();
        fields.Add(widget);
        form.Set("Fields", new PdfArray(fields)).Set("SigFlags", new PdfNumber(3));
        if (formObj is PdfReference formRef) update.Replace(formRef.Number, form);
        else update.Replace(doc.RootReference.Number, catalog.Set("AcroForm", form));
    }
}

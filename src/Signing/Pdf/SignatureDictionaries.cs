using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>A signature found in a PDF: field name, dictionary values and the exact signed byte ranges.</summary>
public sealed record PdfSignatureInfo(
    string FieldName,
    string? SubFilter,
    string? Type,
    long[] ByteRange,
    byte[] Contents,
    string? SigningTime)
{
    /// <summary>True when the byte range ends at the end of the file, i.e. nothing was appended afterwards.</summary>
    public bool CoversWholeFile(long fileLength) => ByteRange.Length == 4 && ByteRange[2] + ByteRange[3] == fileLength;

    /// <summary>The bytes the signature covers (everything except the /Contents hex string).</summary>
    public byte[] SignedBytes(byte[] file) => ByteRanges.Concat(file, ByteRange);

    /// <summary>The /Contents value without the zero padding after the DER structure.</summary>
    public byte[] ContentsWithoutPadding()
    {
        if (Contents.Length < 2 || Contents[0] != 0x30) return Contents;
        try
        {
            System.Formats.Asn1.AsnDecoder.ReadEncodedValue(Contents, System.Formats.Asn1.AsnEncodingRules.BER, out _, out _, out var consumed);
            return Contents[..consumed];
        }
        catch (System.Formats.Asn1.AsnContentException) { return Contents; }
    }
}

public static class ByteRanges
{
    public static byte[] Concat(byte[] file, long[] range)
    {
        // The ranges come from the file: each must lie inside it and together they cannot cover more than it.
        long total = 0;
        for (var i = 0; i + 1 < range.Length; i += 2)
        {
            if (range[i] < 0 || range[i + 1] < 0 || range[i] > file.Length - range[i + 1]) throw new PdfFormatException("A /ByteRange lies outside the file.");
            total += range[i + 1];
        }
        if (total > file.Length) throw new PdfFormatException("The /ByteRange covers more bytes than the file has.");
        var result = new byte[total];
        long pos = 0;
        for (var i = 0; i + 1 < range.Length; i += 2)
        {
            Array.Copy(file, range[i], result, pos, range[i + 1]);
            pos += range[i + 1];
        }
        return result;
    }

    /// <summary>Offsets just after each "%%EOF": the boundaries of the revisions of an incrementally updated file.</summary>
    public static IReadOnlyList<long> RevisionEnds(byte[] file)
    {
        var ends = new List<long>();
        var pos = 0;
        while ((pos = PdfParser.IndexOf(file, "%%EOF"u8, pos)) >= 0)
        {
            pos += 5;
            var end = pos;
            if (end < file.Length && file[end] == '\r') end++;
            if (end < file.Length && file[end] == '\n') end++;
            ends.Add(end);
        }
        return ends;
    }
}

public static class SignatureDictionaries
{
    /// <summary>All signature fields with a value, in field order.</summary>
    public static IReadOnlyList<PdfSignatureInfo> Read(PdfDocumentReader doc)
    {
        var result = new List<PdfSignatureInfo>();
        if (doc.Resolve(doc.Catalog["AcroForm"]) is not PdfDictionary form) return result;
        if (doc.Resolve(form["Fields"]) is not PdfArray fields) return result;
        var stack = new Stack<(PdfObject Field, string Prefix)>(fields.Items.AsEnumerable().Reverse().Select(f => (f, "")));
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            var (f, prefix) = stack.Pop();
            if (f is PdfReference r && !seen.Add(r.Number)) continue;
            if (doc.Resolve(f) is not PdfDictionary field) continue;
            var partial = (field["T"] as PdfString) is { } t ? TextString(t.Bytes) : "";
            var name = prefix.Length == 0 ? partial : $"{prefix}.{partial}";
            if (doc.Resolve(field["Kids"]) is PdfArray kids)
                foreach (var k in kids.Items.AsEnumerable().Reverse()) stack.Push((k, name));
            if (field.NameOf("FT") != "Sig" || doc.Resolve(field["V"]) is not PdfDictionary v) continue;
            var range = (doc.Resolve(v["ByteRange"]) as PdfArray)?.Items.Select(i => (doc.Resolve(i) as PdfNumber)?.LongValue ?? 0).ToArray() ?? [];
            var contents = (doc.Resolve(v["Contents"]) as PdfString)?.Bytes ?? [];
            var m = (doc.Resolve(v["M"]) as PdfString)?.AsLatin1();
            result.Add(new PdfSignatureInfo(name, v.NameOf("SubFilter"), v.NameOf("Type"), range, contents, m));
        }
        return result;
    }

    public static string TextString(byte[] b) =>
        b.Length >= 2 && b[0] == 0xFE && b[1] == 0xFF ? Encoding.BigEndianUnicode.GetString(b, 2, b.Length - 2) : Encoding.Latin1.GetString(b);

    public static string PdfDate(DateTimeOffset t)
    {
        var off = t.Offset;
        var sign = off < TimeSpan.Zero ? '-' : '+';
        return "D:" + t.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + sign +
               Math.Abs(off.Hours).ToString("00", CultureInfo.InvariantCulture) + "'" + Math.Abs(off.Minutes).ToString("00", CultureInfo.InvariantCulture) + "'";
    }
}

using Signing.Pdf;
namespace Signing.Validation.Pdf;

/// <summary>One cross-reference entry of a revision: the object is free, or in use at a byte offset.</summary>
internal readonly record struct XrefEntry(int Number, bool Free, long Offset);

/// <summary>
/// The cross-reference data a revision writes (ISO 32000-1 7.5.4 tables, 7.5.8 streams) and its trailer's /Root.
/// The object scan does not depend on it, but a viewer does: an update made of nothing but xref entries can free a
/// signed object or bring back one the signed revision had marked free (the hide-and-replace shadow attack), so the
/// revision's object table must apply them. Everything here is bounded by the revision's bytes.
/// </summary>
internal static class XrefSections
{
    public static (List<XrefEntry> Entries, int? Root) Read(PdfParser parser, long from, long end, IEnumerable<PdfIndirect> definedHere, Func<PdfIndirect, byte[]?> decode)
    {
        var entries = new List<XrefEntry>();
        int? root = null;
        var spans = definedHere.Select(o => (o.Offset, o.End)).OrderBy(x => x.Offset).ToList();
        ReadClassic(parser, from, end, entries, ref root, spans);
        foreach (var o in definedHere.Where(o => o.IsStream && o.Dict?.NameOf("Type") == "XRef").OrderBy(o => o.Offset))
        {
            if (o.Dict!["Root"] is PdfReference r) root = r.Number;
            ReadStream(o, decode(o), entries); // decoded with its predictor
        }
        return (entries, root);
    }

    /// <param name="objects">spans of the objects defined in the revision: "xref" inside a stream or string is data, not a table.</param>
    private static void ReadClassic(PdfParser parser, long from, long end, List<XrefEntry> entries, ref int? root, List<(long Offset, long End)> objects)
    {
        var data = parser.Data;
        long pos = from;
        while (pos < end)
        {
            int idx = data.AsSpan((int)pos, (int)(end - pos)).IndexOf("xref"u8);
            if (idx < 0) break;
            long at = pos + idx;
            pos = at + 4;
            // "startxref" is not a table; a table keyword stands on its own.
            if (at > 0 && !PdfParser.IsWhite(data[at - 1]) || pos >= end || !PdfParser.IsWhite(data[pos]) || Inside(objects, at)) continue;
            long p = pos;
            var rows = new List<XrefTableRow>();
            // A damaged table still says what it says up to the fault: its entries apply, a trailer after it is not looked for.
            var whole = XrefTableRows.Read(parser, ref p, end, rows);
            entries.AddRange(rows.Select(r => new XrefEntry(r.Number, r.Free, r.Offset)));
            pos = Math.Max(pos, p);
            if (whole)
            {
                try
                {
                    if (parser.ParseValue(ref p, end, 0) is PdfDictionary trailer && trailer["Root"] is PdfReference r) root = r.Number;
                }
                catch (PdfFormatException) { /* a broken trailer names no root */ }
                pos = p;
            }
        }
    }

    private static bool Inside(List<(long Offset, long End)> spans, long at)
    {
        int lo = 0, hi = spans.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (spans[mid].Offset > at) hi = mid - 1;
            else if (spans[mid].End <= at) lo = mid + 1;
            else return true;
        }
        return false;
    }

    private static void ReadStream(PdfIndirect o, byte[]? decoded, List<XrefEntry> entries)
    {
        if (decoded is null || XrefStreamRows.Read(o.Dict!, decoded) is not { } rows) return;
        foreach (var r in rows)
        {
            if (r.Type == 0) entries.Add(new XrefEntry(r.Number, true, 0));
            else if (r.Type == 1) entries.Add(new XrefEntry(r.Number, false, r.Field2));
            // Type 2 (inside an object stream) is read with the object streams themselves.
        }
    }
}

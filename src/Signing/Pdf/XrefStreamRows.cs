namespace Signing.Pdf;

/// <summary>One row of a cross-reference stream (ISO 32000-2 7.5.8.3): type 0 free, 1 at a byte offset, 2 inside an object stream.</summary>
public readonly record struct XrefStreamRow(int Number, long Type, long Field2, long Field3);

/// <summary>
/// The rows of a decoded cross-reference stream, for the signer's reader and the validator's revision scan alike.
/// Everything comes from the file, so nothing is believed beyond the decoded bytes: /W must be three widths of 0 to 8
/// bytes, and /Index counts stop where the data does.
/// </summary>
public static class XrefStreamRows
{
    /// <returns>null when /W is not usable.</returns>
    public static List<XrefStreamRow>? Read(PdfDictionary d, byte[] decoded)
    {
        if (d["W"] is not PdfArray { Items.Count: 3 } w || w.Items.Any(i => i is not PdfNumber { Value: >= 0 and <= 8 })) return null;
        int w0 = (int)((PdfNumber)w.Items[0]).Value, w1 = (int)((PdfNumber)w.Items[1]).Value, w2 = (int)((PdfNumber)w.Items[2]).Value;
        int row = w0 + w1 + w2;
        if (row == 0) return null;
        var index = d["Index"] is PdfArray ia && ia.Items.All(i => i is PdfNumber) ? ia.Items.Cast<PdfNumber>().Select(n => (long)n.Value).ToList()
            : d["Size"] is PdfNumber size ? [0L, (long)size.Value] : [];
        var rows = new List<XrefStreamRow>(Math.Min(decoded.Length / row, 1 << 20));
        int at = 0;
        for (int s = 0; s + 1 < index.Count; s += 2)
        {
            long first = index[s], count = index[s + 1];
            if (first < 0 || count < 0) break;
            for (long i = 0; i < count; i++)
            {
                if (at + row > decoded.Length || first + i > int.MaxValue) return rows;
                long type = w0 == 0 ? 1 : Field(decoded, at, w0);
                rows.Add(new XrefStreamRow((int)(first + i), type, Field(decoded, at + w0, w1), Field(decoded, at + w0 + w1, w2)));
                at += row;
            }
        }
        return rows;
    }

    private static long Field(byte[] data, int at, int width)
    {
        long v = 0;
        for (int i = 0; i < width; i++) v = v << 8 | data[at + i];
        return v;
    }
}

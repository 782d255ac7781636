namespace Signing.Pdf;

/// <summary>One entry of a classic cross-reference table (ISO 32000-2 7.5.4): <c>n</c> in use at a byte offset, <c>f</c> free.</summary>
public readonly record struct XrefTableRow(int Number, long Offset, int Generation, bool Free);

/// <summary>
/// The subsections of a classic cross-reference table, for the signer's reader and the validator's revision scan alike
/// (as <see cref="XrefStreamRows"/> is for streams). A table is whole when every subsection header and entry parses and
/// <c>trailer</c> follows them; otherwise the entries before the fault are kept and the caller decides: the reader
/// rebuilds its object table by scanning, the validator keeps what the revision's table did say. Nothing is believed
/// beyond <c>end</c>: an entry takes at least 18 bytes, so a larger count is a lie, not a reason to loop.
/// </summary>
public static class XrefTableRows
{
    /// <param name="p">Just after the <c>xref</c> keyword; on return, after <c>trailer</c> when the table is whole, otherwise where reading stopped.</param>
    /// <returns>True when the table is whole.</returns>
    public static bool Read(PdfParser parser, ref long p, long end, List<XrefTableRow> rows)
    {
        var data = parser.Data;
        while (true)
        {
            parser.SkipWhite(ref p, end);
            if (p + 7 <= end && data.AsSpan((int)p, 7).SequenceEqual("trailer"u8))
            {
                p += 7;
                return true;
            }
            if (!Int(parser, ref p, end, out var first) || !Int(parser, ref p, end, out var count)) return false;
            if (first > int.MaxValue || count > (end - p) / 18 + 1) return false;
            for (long i = 0; i < count; i++)
            {
                if (!Int(parser, ref p, end, out var offset) || !Int(parser, ref p, end, out var generation) || generation > int.MaxValue) return false;
                parser.SkipWhite(ref p, end);
                if (p >= end || data[p] is not ((byte)'n' or (byte)'f')) return false;
                var free = data[p++] == 'f';
                if (first + i <= int.MaxValue) rows.Add(new XrefTableRow((int)(first + i), offset, (int)generation, free));
            }
        }
    }

    /// <summary>A non-negative integer of at most 12 digits (offsets of files up to a terabyte).</summary>
    private static bool Int(PdfParser parser, ref long p, long end, out long value)
    {
        parser.SkipWhite(ref p, end);
        var data = parser.Data;
        value = 0;
        long s = p;
        while (p < end && data[p] >= '0' && data[p] <= '9' && p - s < 12) value = value * 10 + (data[p++] - '0');
        return p > s;
    }
}

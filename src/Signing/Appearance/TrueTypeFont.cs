using System.Buffers.Binary;

namespace Signing.Appearance;

/// <summary>Just enough of a TrueType file to map Unicode to glyphs and measure them.</summary>
internal sealed class TrueTypeFont
{
    private readonly Dictionary<string, (int Offset, int Length)> _tables = new();
    private readonly Dictionary<int, ushort> _cmap = new();
    private readonly ushort[] _advances;

    public TrueTypeFont(byte[] data)
    {
        Data = data;
        var numTables = U16(4);
        for (var i = 0; i < numTables; i++)
        {
            var rec = 12 + 16 * i;
            var tag = System.Text.Encoding.ASCII.GetString(data, rec, 4);
            _tables[tag] = ((int)U32(rec + 8), (int)U32(rec + 12));
        }
        var head = _tables["head"].Offset;
        UnitsPerEm = U16(head + 18);
        BBox = [S16(head + 36), S16(head + 38), S16(head + 40), S16(head + 42)];
        var hhea = _tables["hhea"].Offset;
        Ascent = S16(hhea + 4);
        Descent = S16(hhea + 6);
        var numberOfHMetrics = U16(hhea + 34);
        var numGlyphs = U16(_tables["maxp"].Offset + 4);
        _advances = new ushort[numGlyphs];
        var hmtx = _tables["hmtx"].Offset;
        for (var g = 0; g < numGlyphs; g++)
            _advances[g] = U16(hmtx + 4 * Math.Min(g, numberOfHMetrics - 1));
        CapHeight = _tables.TryGetValue("OS/2", out var os2) && U16(os2.Offset) >= 2 ? S16(os2.Offset + 88) : Ascent;
        ReadCmap();
    }

    public byte[] Data { get; }
    public int UnitsPerEm { get; }
    public int[] BBox { get; }
    public int Ascent { get; }
    public int Descent { get; }
    public int CapHeight { get; }

    public bool TryGetGlyph(int codePoint, out ushort glyph) => _cmap.TryGetValue(codePoint, out glyph) && glyph != 0;

    /// <summary>Advance width in 1/1000 text space units, as PDF /W expects.</summary>
    public int Advance1000(ushort glyph) => (int)Math.Round(_advances[Math.Min(glyph, _advances.Length - 1)] * 1000.0 / UnitsPerEm);

    private void ReadCmap()
    {
        var cmap = _tables["cmap"].Offset;
        var n = U16(cmap + 2);
        int best = -1, bestFormat = 0;
        for (var i = 0; i < n; i++)
        {
            var platform = U16(cmap + 4 + 8 * i);
            var encoding = U16(cmap + 6 + 8 * i);
            var sub = cmap + (int)U32(cmap + 8 + 8 * i);
            var format = U16(sub);
            if (platform == 3 && encoding == 10 && format == 12) { best = sub; bestFormat = 12; }
            else if (platform == 3 && encoding == 1 && format == 4 && bestFormat != 12) { best = sub; bestFormat = 4; }
        }
        if (best < 0) throw new InvalidOperationException("Font has no Unicode cmap.");
        if (bestFormat == 4)
        {
            var segX2 = U16(best + 6);
            var ends = best + 14;
            var starts = ends + segX2 + 2;
            var deltas = starts + segX2;
            var rangeOffsets = deltas + segX2;
            for (var s = 0; s < segX2 / 2; s++)
            {
                int end = U16(ends + 2 * s), start = U16(starts + 2 * s), delta = S16(deltas + 2 * s), ro = U16(rangeOffsets + 2 * s);
                for (var c = start; c <= end && c != 0xFFFF; c++)
                {
                    int g;
                    if (ro == 0) g = (c + delta) & 0xFFFF;
                    else
                    {
                        var addr = rangeOffsets + 2 * s + ro + 2 * (c - start);
                        g = U16(addr);
                        if (g != 0) g = (g + delta) & 0xFFFF;
                    }
                    _cmap[c] = (ushort)g;
                }
            }
        }
        else
        {
            var groups = (int)U32(best + 12);
            for (var i = 0; i < groups; i++)
            {
                var rec = best + 16 + 12 * i;
                uint start = U32(rec), end = U32(rec + 4), glyph = U32(rec + 8);
                for (var c = start; c <= end; c++) _cmap[(int)c] = (ushort)(glyph + (c - start));
            }
        }
    }

    private ushort U16(int o) => BinaryPrimitives.ReadUInt16BigEndian(Data.AsSpan(o));
    private short S16(int o) => BinaryPrimitives.ReadInt16BigEndian(Data.AsSpan(o));
    private uint U32(int o) => BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(o));
}

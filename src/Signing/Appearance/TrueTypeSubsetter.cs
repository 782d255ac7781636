using System.Buffers.Binary;
using System.Text;

namespace Signing.Appearance;

/// <summary>
/// Keeps only the outlines of the glyphs a signature uses (plus .notdef and composite parts).
/// Glyph ids are unchanged, so CIDToGIDMap /Identity still holds; other glyphs become empty.
/// Tables a PDF renderer does not need (layout, kerning, device metrics) are dropped.
/// </summary>
internal static class TrueTypeSubsetter
{
    private static readonly string[] KeptTables = ["OS/2", "cmap", "cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post", "prep"];

    public static byte[] Subset(byte[] font, IEnumerable<ushort> glyphs)
    {
        var tables = new Dictionary<string, byte[]>();
        var numTables = U16(font, 4);
        for (var i = 0; i < numTables; i++)
        {
            var rec = 12 + 16 * i;
            var tag = Encoding.ASCII.GetString(font, rec, 4);
            tables[tag] = font.AsSpan((int)U32(font, rec + 8), (int)U32(font, rec + 12)).ToArray();
        }
        var head = tables["head"];
        var longLoca = BinaryPrimitives.ReadInt16BigEndian(head.AsSpan(50)) == 1;
        var numGlyphs = U16(tables["maxp"], 4);
        var loca = tables["loca"];
        var glyf = tables["glyf"];
        int Offset(int g) => longLoca ? (int)U32(loca, 4 * g) : U16(loca, 2 * g) * 2;

        var keep = new HashSet<int> { 0 };
        var pending = new Stack<int>(glyphs.Select(g => (int)g));
        while (pending.Count > 0)
        {
            var g = pending.Pop();
            if (g >= numGlyphs || !keep.Add(g) && g != 0) continue;
            var start = Offset(g);
            if (Offset(g + 1) - start < 10 || BinaryPrimitives.ReadInt16BigEndian(glyf.AsSpan(start)) >= 0) continue;
            var p = start + 10; // composite glyph: pull in its components
            while (true)
            {
                var flags = U16(glyf, p);
                pending.Push(U16(glyf, p + 2));
                p += 4 + ((flags & 0x1) != 0 ? 4 : 2);
                if ((flags & 0x8) != 0) p += 2;
                else if ((flags & 0x40) != 0) p += 4;
                else if ((flags & 0x80) != 0) p += 8;
                if ((flags & 0x20) == 0) break;
            }
        }

        using var newGlyf = new MemoryStream();
        var newLoca = new byte[4 * (numGlyphs + 1)];
        for (var g = 0; g < numGlyphs; g++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * g), (uint)newGlyf.Length);
            if (!keep.Contains(g)) continue;
            var start = Offset(g);
            newGlyf.Write(glyf, start, Offset(g + 1) - start);
            while (newGlyf.Length % 4 != 0) newGlyf.WriteByte(0);
        }
        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * numGlyphs), (uint)newGlyf.Length);

        head = (byte[])head.Clone();
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), 1);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0);
        var post = tables.TryGetValue("post", out var oldPost) && oldPost.Length >= 32 ? oldPost[..32] : null;
        if (post is not null) BinaryPrimitives.WriteUInt32BigEndian(post, 0x00030000); // no glyph names needed
        tables["head"] = head;
        tables["loca"] = newLoca;
        tables["glyf"] = newGlyf.ToArray();
        if (post is not null) tables["post"] = post;

        var kept = KeptTables.Where(tables.ContainsKey).OrderBy(t => t, StringComparer.Ordinal).ToList();
        using var output = new MemoryStream();
        var header = new byte[12 + 16 * kept.Count];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)kept.Count);
        var pow = 1;
        var log = 0;
        while (pow * 2 <= kept.Count) { pow *= 2; log++; }
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)(pow * 16));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), (ushort)log);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)(kept.Count * 16 - pow * 16));
        output.Write(header);
        for (var i = 0; i < kept.Count; i++)
        {
            var data = tables[kept[i]];
            var rec = 12 + 16 * i;
            Encoding.ASCII.GetBytes(kept[i]).CopyTo(header, rec);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(rec + 4), Checksum(data));
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(rec + 8), (uint)output.Length);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(rec + 12), (uint)data.Length);
            output.Write(data);
            while (output.Length % 4 != 0) output.WriteByte(0);
        }
        var result = output.ToArray();
        header.CopyTo(result, 0);
        var headOffset = (int)U32(result, 12 + 16 * kept.IndexOf("head") + 8);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(headOffset + 8), 0xB1B0AFBA - Checksum(result));
        return result;
    }

    private static uint Checksum(byte[] data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 4)
        {
            uint v = 0;
            for (var k = 0; k < 4; k++) v = (v << 8) | (i + k < data.Length ? data[i + k] : 0u);
            sum += v;
        }
        return sum;
    }

    private static ushort U16(byte[] d, int o) => BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(o));
    private static uint U32(byte[] d, int o) => BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(o));
}

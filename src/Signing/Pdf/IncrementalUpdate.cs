using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>
/// Builds one incremental update: new and replaced objects plus a cross-reference section
/// in the style of the input's last section, appended after the untouched original bytes.
/// </summary>
public sealed class IncrementalUpdate
{
    private readonly PdfDocumentReader _doc;
    private readonly SortedDictionary<int, (int Generation, byte[] Body)> _objects = new();
    private int _nextNumber;

    public IncrementalUpdate(PdfDocumentReader doc)
    {
        _doc = doc;
        // /Size is believed only as far as the file could hold that many objects: a claimed 2^31 must not overflow the numbering.
        _nextNumber = Math.Max((int)Math.Min(doc.Size, doc.Data.Length), doc.ObjectNumbers.DefaultIfEmpty(0).Max() + 1);
    }

    public PdfReference Reserve() => new(_nextNumber++, 0);

    public PdfReference Add(PdfObject obj)
    {
        var r = Reserve();
        Set(r, obj);
        return r;
    }

    public void Set(PdfReference r, PdfObject obj) => _objects[r.Number] = (r.Generation, Serialize(obj));

    /// <summary>Replaces an existing object of the previous revision, keeping its generation.</summary>
    public void Replace(int number, PdfObject obj) => Set(new PdfReference(number, _doc.GenerationOf(number)), obj);

    public static byte[] Serialize(PdfObject obj)
    {
        if (obj is not PdfStream s) return Encoding.Latin1.GetBytes(obj.Serialize());
        var dict = s.Dictionary.Copy().Set("Length", new PdfNumber(s.RawData.Length));
        using var ms = new MemoryStream();
        ms.Write(Encoding.Latin1.GetBytes(dict.Serialize()));
        ms.Write("\nstream\n"u8);
        ms.Write(s.RawData);
        ms.Write("\nendstream"u8);
        return ms.ToArray();
    }

    /// <summary>Writes original bytes + this update. Returns the file and the offset of each object.</summary>
    public (byte[] File, Dictionary<int, long> Offsets) Build()
    {
        var (tail, offsets) = BuildTail();
        var original = _doc.Data;
        var file = new byte[original.Length + tail.Length];
        original.CopyTo(file, 0);
        tail.CopyTo(file, original.Length);
        return (file, offsets);
    }

    /// <summary>
    /// Only the bytes this update appends after the untouched original (a separating newline first when the original
    /// does not end with one); offsets are absolute in the resulting file. Lets a signer write original + tail without
    /// ever copying the original.
    /// </summary>
    public (byte[] Tail, Dictionary<int, long> Offsets) BuildTail()
    {
        var original = _doc.Data;
        using var ms = new PositionedStream(original.Length);
        if (original.Length > 0 && original[^1] != '\n' && original[^1] != '\r') ms.WriteByte((byte)'\n');

        var offsets = new Dictionary<int, long>();
        foreach (var (num, (gen, body)) in _objects)
        {
            offsets[num] = ms.Position;
            ms.Write(Ascii($"{num} {gen} obj\n"));
            ms.Write(body);
            ms.Write("\nendobj\n"u8);
        }

        var trailer = new PdfDictionary();
        foreach (var key in new[] { "Root", "Info", "ID" })
            if (_doc.Trailer[key] is { } v) trailer[key] = v;
        if (!_doc.Reconstructed) trailer["Prev"] = new PdfNumber(_doc.LastStartXref);
        // After reconstruction the old chain is unusable, so this section lists every object (kind, offset/stream, generation).
        var carried = _doc.Reconstructed
            ? _doc.Entries.Where(e => !_objects.ContainsKey(e.Number) && e.Kind != 0).ToDictionary(e => e.Number)
            : new Dictionary<int, (int Number, int Kind, long Offset, int Generation)>();

        long xrefOffset;
        if (_doc.LastSectionIsXrefStream)
        {
            var xrefNumber = _nextNumber++;
            xrefOffset = ms.Position;
            offsets[xrefNumber] = xrefOffset;
            var entries = _objects.Keys.Append(xrefNumber).Concat(carried.Keys).ToList();
            var gens = entries.ToDictionary(n => n, n => n == xrefNumber ? 0 : carried.TryGetValue(n, out var c) ? c.Generation : _objects[n].Generation);
            var rows = new MemoryStream();
            var index = new PdfArray();
            foreach (var (start, count) in Runs(entries))
            {
                index.Items.Add(new PdfNumber(start));
                index.Items.Add(new PdfNumber(count));
                for (var n = start; n < start + count; n++)
                {
                    var kind = carried.TryGetValue(n, out var c) ? c.Kind : 1;
                    var off = carried.TryGetValue(n, out var c2) ? c2.Offset : offsets[n];
                    rows.WriteByte((byte)kind);
                    for (var b = 3; b >= 0; b--) rows.WriteByte((byte)(off >> (8 * b)));
                    rows.WriteByte((byte)(gens[n] >> 8));
                    rows.WriteByte((byte)gens[n]);
                }
            }
            var d = trailer.Copy()
                .Set("Type", new PdfName("XRef"))
                .Set("Size", new PdfNumber(_nextNumber))
                .Set("W", new PdfArray(new PdfNumber(1), new PdfNumber(4), new PdfNumber(2)))
                .Set("Index", index);
            ms.Write(Ascii($"{xrefNumber} 0 obj\n"));
            ms.Write(Serialize(new PdfStream(d, rows.ToArray())));
            ms.Write("\nendobj\n"u8);
        }
        else
        {
            xrefOffset = ms.Position;
            var sb = new StringBuilder("xref\n");
            if (_doc.Reconstructed) sb.Append("0 1\n0000000000 65535 f\r\n");
            foreach (var (start, count) in Runs(_objects.Keys.Concat(carried.Keys).ToList()))
            {
                sb.Append(start).Append(' ').Append(count).Append('\n');
                for (var n = start; n < start + count; n++)
                {
                    var (off, gen) = carried.TryGetValue(n, out var c) ? (c.Offset, c.Generation) : (offsets[n], _objects[n].Generation);
                    sb.Append(off.ToString("D10", CultureInfo.InvariantCulture)).Append(' ')
                      .Append(gen.ToString("D5", CultureInfo.InvariantCulture)).Append(" n\r\n");
                }
            }
            trailer.Set("Size", new PdfNumber(_nextNumber));
            sb.Append("trailer\n").Append(trailer.Serialize()).Append('\n');
            ms.Write(Ascii(sb.ToString()));
        }
        ms.Write(Ascii($"startxref\n{xrefOffset}\n%%EOF\n"));
        return (ms.ToArray(), offsets);
    }

    /// <summary>A memory stream whose Position counts from a base offset (the original's length), so offsets come out absolute.</summary>
    private sealed class PositionedStream(long origin) : MemoryStream
    {
        public override long Position { get => origin + base.Position; set => base.Position = value - origin; }
    }

    private static IEnumerable<(int Start, int Count)> Runs(List<int> sorted)
    {
        sorted.Sort();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            yield return (sorted[i], j - i + 1);
            i = j + 1;
        }
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}

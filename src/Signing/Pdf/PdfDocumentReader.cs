using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>
/// Read-only view of a PDF's latest revision: cross-reference chain (tables, streams, hybrids),
/// object streams and the trailer. Never modifies the bytes it reads.
/// </summary>
public sealed class PdfDocumentReader
{
    private readonly Dictionary<int, XrefEntry> _xref = new();
    private readonly Dictionary<int, PdfObject> _cache = new();
    private readonly HashSet<int> _reading = new();
    private readonly Dictionary<int, (int[] Numbers, int[] Offsets, byte[] Data, int First)> _objectStreams = new();

    private readonly PdfParser _parser;

    public PdfDocumentReader(byte[] data)
    {
        Data = data;
        Trailer = null!;
        // An indirect /Length is looked up without a resolver of its own: a length is a number, and a cycle cannot form.
        _parser = new PdfParser(data) { LengthResolver = LengthOf };
        try
        {
            LastStartXref = FindLastStartXref(data);
            (Trailer, LastSectionIsXrefStream) = ReadChain();
        }
        catch (Exception e) when (e is PdfFormatException or FormatException or OverflowException or ArgumentException or IndexOutOfRangeException or InvalidCastException or NullReferenceException)
        {
            // Damaged cross-reference data: rebuild the table by scanning for "n g obj" headers.
            _xref.Clear();
            _cache.Clear();
            _objectStreams.Clear();
            (Trailer, LastSectionIsXrefStream) = Reconstruct();
            Reconstructed = true;
            LastStartXref = -1;
        }
        if (Trailer["Encrypt"] is not null) throw new PdfFormatException("Encrypted PDFs are not supported.");
    }

    /// <summary>True when the cross-reference table was rebuilt by scanning; the next update must then list every object.</summary>
    public bool Reconstructed { get; }

    internal IEnumerable<(int Number, int Kind, long Offset, int Generation)> Entries =>
        _xref.Select(e => (e.Key, e.Value.Kind, e.Value.Offset, e.Value.Generation));

    private (PdfDictionary Trailer, bool IsStream) ReadChain()
    {
        PdfDictionary? result = null;
        var isStream = false;
        var visited = new HashSet<long>();
        long? offset = LastStartXref;
        var first = true;
        while (offset is { } off && visited.Add(off))
        {
            var (trailer, stream) = ReadXrefSection((int)off);
            if (first)
            {
                result = trailer;
                isStream = stream;
                first = false;
            }
            offset = (trailer["Prev"] as PdfNumber)?.LongValue;
        }
        if (result?["Root"] is not PdfReference root || GetObject(root) is not PdfDictionary) throw new PdfFormatException("Catalog not reachable.");
        return (result, isStream);
    }

    private (PdfDictionary Trailer, bool HasObjectStreams) Reconstruct()
    {
        var headers = System.Text.RegularExpressions.Regex.Matches(Encoding.Latin1.GetString(Data), @"(?<![0-9])(\d+)\s+(\d+)\s+obj\b");
        foreach (System.Text.RegularExpressions.Match m in headers)
            _xref[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] =
                new XrefEntry(1, m.Index, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var hasObjectStreams = false;
        PdfDictionary? trailer = null;
        foreach (var num in _xref.Keys.ToList())
        {
            PdfObject? obj;
            try { obj = GetObject(num); }
            catch (Exception) { _xref.Remove(num); continue; }
            if (obj is PdfStream { Dictionary: var d } && d.NameOf("Type") == "ObjStm")
            {
                hasObjectStreams = true;
                var n = (int)((Resolve(d["N"]) as PdfNumber)?.LongValue ?? 0);
                var decoded = DecodeStream((PdfStream)obj);
                var inner = new PdfParser(decoded);
                long p = 0;
                for (var i = 0; i < n && p < decoded.Length; i++)
                {
                    var number = int.Parse(inner.ReadKeyword(ref p, decoded.Length), CultureInfo.InvariantCulture);
                    inner.ReadKeyword(ref p, decoded.Length);
                    _xref.TryAdd(number, new XrefEntry(2, num, i));
                }
            }
            else if (obj is PdfStream { Dictionary: var x } && x.NameOf("Type") == "XRef" && x["Root"] is not null) trailer = x;
        }
        var t = Data.AsSpan().LastIndexOf("trailer"u8);
        long afterTrailer = t + 7;
        if (t >= 0 && _parser.ParseValue(ref afterTrailer, Data.Length, 0) is PdfDictionary classic && classic["Root"] is not null) trailer = classic;
        var rootNumber = trailer?["Root"] is PdfReference r && GetObject(r) is PdfDictionary ? r.Number
            : _xref.Keys.FirstOrDefault(k => _xref[k].Kind != 0 && SafeGet(k) is PdfDictionary d && d.NameOf("Type") == "Catalog");
        if (rootNumber == 0) throw new PdfFormatException("No document catalog found.");
        var result = new PdfDictionary().Set("Root", new PdfReference(rootNumber, GenerationOf(rootNumber)))
            .Set("Size", new PdfNumber(_xref.Keys.Max() + 1));
        foreach (var key in new[] { "Info", "ID", "Encrypt" })
            if (trailer?[key] is { } v) result[key] = v;
        return (result, hasObjectStreams);
    }

    private PdfObject? SafeGet(int n)
    {
        try { return GetObject(n); }
        catch (Exception) { return null; }
    }

    public byte[] Data { get; }
    public PdfDictionary Trailer { get; }
    public long LastStartXref { get; }
    public bool LastSectionIsXrefStream { get; }

    public int Size => (int)((Trailer["Size"] as PdfNumber)?.LongValue ?? 0);
    public PdfReference RootReference => Trailer["Root"] as PdfReference ?? throw new PdfFormatException("Trailer has no /Root.");
    public PdfDictionary Catalog => GetObject(RootReference) as PdfDictionary ?? throw new PdfFormatException("Catalog is not a dictionary.");
    public IEnumerable<int> ObjectNumbers => _xref.Keys;

    public int GenerationOf(int number) => _xref.TryGetValue(number, out var e) && e.Kind == 1 ? e.Generation : 0;

    public PdfObject? Resolve(PdfObject? obj) => obj is PdfReference r ? GetObject(r) : obj;

    public PdfObject? GetObject(PdfReference r) => GetObject(r.Number);

    public PdfObject? GetObject(int number)
    {
        if (_cache.TryGetValue(number, out var cached)) return cached;
        if (!_xref.TryGetValue(number, out var e) || e.Kind == 0) return null;
        // An object stream said to lie inside itself (or in a ring of object streams) would otherwise recurse without end.
        if (!_reading.Add(number)) throw new PdfFormatException($"Object {number} is stored inside itself.");
        try
        {
            PdfObject? value;
            if (e.Kind == 1) value = ReadIndirect(e.Offset);
            else if (e.Kind == 2 && e.Offset is >= 0 and <= int.MaxValue) value = ReadFromObjectStream((int)e.Offset, e.Generation);
            else value = null; // ISO 32000-2 7.5.8.3: other types are references to the null object
            if (value is not null) _cache[number] = value;
            return value;
        }
        finally { _reading.Remove(number); }
    }

    /// <summary>The object a cross-reference entry points at; a stream's bytes are copied out of the file.</summary>
    private PdfObject ReadIndirect(long offset)
    {
        if (offset < 0 || offset >= Data.Length) throw new PdfFormatException($"Object offset {offset} lies outside the file.");
        var o = _parser.ParseIndirectAt(offset, Data.Length, lenient: true) ?? throw new PdfFormatException($"No object at offset {offset}.");
        return o.IsStream ? new PdfStream(o.Dict!, Data.AsSpan((int)o.StreamStart, (int)o.StreamLength).ToArray()) : o.Value;
    }

    private long? LengthOf(PdfReference r)
    {
        if (_cache.TryGetValue(r.Number, out var known)) return (known as PdfNumber)?.LongValue;
        if (!_xref.TryGetValue(r.Number, out var e) || e.Kind != 1 || e.Offset < 0 || e.Offset >= Data.Length) return null;
        try { return (new PdfParser(Data).ParseIndirectAt(e.Offset, Data.Length, lenient: true)?.Value as PdfNumber)?.LongValue; }
        catch (PdfFormatException) { return null; }
    }

    public byte[] DecodeStream(PdfStream s) => StreamDecoder.Decode(s, Resolve);

    /// <summary>First page (depth-first) with the attributes it inherits from the page tree.</summary>
    public PageInfo GetFirstPage() => Pages().FirstOrDefault() ?? throw new PdfFormatException("Empty page tree.");

    /// <summary>
    /// Every page in document order with the attributes it inherits (ISO 32000-2 7.7.3.4). A node met twice or a tree
    /// deeper than 64 is refused: a hostile tree can neither loop nor recurse without end.
    /// </summary>
    public IEnumerable<PageInfo> Pages()
    {
        var root = Catalog["Pages"] as PdfReference ?? throw new PdfFormatException("Catalog has no /Pages.");
        var visited = new HashSet<int>();
        var stack = new Stack<(PdfReference Node, int Depth, PdfObject? Media, PdfObject? Crop, PdfObject? Rotate, PdfObject? Resources)>();
        stack.Push((root, 0, null, null, null, null));
        while (stack.Count > 0)
        {
            var (node, depth, media, crop, rotate, resources) = stack.Pop();
            if (depth > 64) throw new PdfFormatException("Page tree too deep.");
            if (!visited.Add(node.Number)) throw new PdfFormatException("Page tree has a cycle.");
            var dict = GetObject(node) as PdfDictionary ?? throw new PdfFormatException("Page tree node is not a dictionary.");
            media = dict["MediaBox"] ?? media;
            crop = dict["CropBox"] ?? crop;
            rotate = dict["Rotate"] ?? rotate;
            resources = dict["Resources"] ?? resources;
            if (dict.NameOf("Type") == "Page" || dict["Kids"] is null)
            {
                yield return new PageInfo(node, dict, ToRect(Resolve(crop) ?? Resolve(media)), (int)((Resolve(rotate) as PdfNumber)?.LongValue ?? 0))
                {
                    MediaBox = ToRect(Resolve(media)),
                    Resources = Resolve(resources) as PdfDictionary,
                };
                continue;
            }
            var kids = Resolve(dict["Kids"]) as PdfArray ?? throw new PdfFormatException("Page tree /Kids is not an array.");
            for (var i = kids.Items.Count - 1; i >= 0; i--)
                if (kids.Items[i] is PdfReference kid) stack.Push((kid, depth + 1, media, crop, rotate, resources));
        }
    }

    private double[] ToRect(PdfObject? o)
    {
        if (o is PdfArray a && a.Items.Count == 4)
        {
            var v = a.Items.Select(i => (Resolve(i) as PdfNumber)?.Value ?? 0).ToArray();
            return [Math.Min(v[0], v[2]), Math.Min(v[1], v[3]), Math.Max(v[0], v[2]), Math.Max(v[1], v[3])];
        }
        return [0, 0, 595.276, 841.89];
    }

    private static long FindLastStartXref(byte[] data)
    {
        var i = data.AsSpan().LastIndexOf("startxref"u8);
        if (i < 0) throw new PdfFormatException("No startxref found: not a PDF or truncated.");
        long p = i + 9;
        return long.Parse(new PdfParser(data).ReadKeyword(ref p, data.Length), CultureInfo.InvariantCulture);
    }

    private (PdfDictionary Trailer, bool IsStream) ReadXrefSection(int offset)
    {
        if (offset < 0 || offset >= Data.Length) throw new PdfFormatException($"startxref {offset} lies outside the file.");
        long pos = offset, end = Data.Length;
        if (_parser.ReadKeyword(ref pos, end) == "xref")
        {
            var table = new List<XrefTableRow>();
            // A damaged table is not half-believed: the caller rebuilds the object table by scanning.
            if (!XrefTableRows.Read(_parser, ref pos, end, table)) throw new PdfFormatException("Damaged cross-reference table.");
            foreach (var r in table)
                if (!_xref.ContainsKey(r.Number)) _xref[r.Number] = new XrefEntry(r.Free ? 0 : 1, r.Offset, r.Generation);
            var trailer = _parser.ParseValue(ref pos, end, 0) as PdfDictionary ?? throw new PdfFormatException("Bad trailer.");
            if (trailer["XRefStm"] is PdfNumber hybrid) ReadXrefSection((int)hybrid.LongValue);
            return (trailer, false);
        }

        var obj = ReadIndirect(offset);
        if (obj is not PdfStream xs || xs.Dictionary.NameOf("Type") != "XRef")
            throw new PdfFormatException($"startxref {offset} points to neither an xref table nor an xref stream.");
        var d = xs.Dictionary;
        var rows = XrefStreamRows.Read(d, StreamDecoder.Decode(xs, o => o))
            ?? throw new PdfFormatException("Cross-reference stream /W is not three widths of 0 to 8 bytes.");
        foreach (var r in rows)
            if (!_xref.ContainsKey(r.Number)) _xref[r.Number] = new XrefEntry((int)r.Type, r.Field2, (int)r.Field3);
        return (d, true);
    }

    private PdfObject? ReadFromObjectStream(int streamNumber, int index)
    {
        if (!_objectStreams.TryGetValue(streamNumber, out var os))
        {
            var s = GetObject(streamNumber) as PdfStream ?? throw new PdfFormatException($"Object stream {streamNumber} missing.");
            var n = (int)((PdfNumber)Resolve(s.Dictionary["N"])!).LongValue;
            var first = (int)((PdfNumber)Resolve(s.Dictionary["First"])!).LongValue;
            var data = DecodeStream(s);
            // /N and /First come from the file: each header pair takes at least four bytes of the decoded stream.
            if (n < 0 || n > data.Length / 4 + 1 || first < 0 || first > data.Length) throw new PdfFormatException($"Object stream {streamNumber} has an impossible /N or /First.");
            var parser = new PdfParser(data);
            long p = 0;
            var nums = new int[n];
            var offs = new int[n];
            for (var i = 0; i < n; i++)
            {
                nums[i] = int.Parse(parser.ReadKeyword(ref p, data.Length), CultureInfo.InvariantCulture);
                offs[i] = int.Parse(parser.ReadKeyword(ref p, data.Length), CultureInfo.InvariantCulture);
            }
            os = (nums, offs, data, first);
            _objectStreams[streamNumber] = os;
        }
        if (index < 0 || index >= os.Offsets.Length) return null;
        long at = (long)os.First + os.Offsets[index];
        if (at < 0 || at >= os.Data.Length) throw new PdfFormatException($"Object {index} of object stream {streamNumber} lies outside it.");
        return new PdfParser(os.Data).ParseValue(ref at, os.Data.Length, 0);
    }

    private readonly record struct XrefEntry(int Kind, long Offset, int Generation);

    public override string ToString() => Encoding.ASCII.GetString(Data, 0, Math.Min(8, Data.Length));
}

public sealed record PageInfo(PdfReference Reference, PdfDictionary Dictionary, double[] Box, int Rotate)
{
    public double[] MediaBox { get; init; } = Box;
    public PdfDictionary? Resources { get; init; }
}

using Signing.Pdf;

namespace Signing.Validation.Pdf;

/// <summary>A signature or document-timestamp dictionary found in the file.</summary>
internal sealed record SignatureDictionary(PdfIndirect Object, string? FieldName)
{
    public PdfDictionary Dict => (PdfDictionary)Object.Value;
    public string? SubFilter => Dict.NameOf("SubFilter");
    public bool IsDocumentTimestamp => Dict.NameOf("Type") == "DocTimeStamp" || SubFilter == "ETSI.RFC3161";
}

/// <summary>The revisions, objects, signatures, DSS and DocMDP settings of one PDF, read without trusting its xref.</summary>
internal sealed class PdfDocumentModel
{
    private readonly Dictionary<long, Dictionary<int, PdfIndirect>> _objectsAt = new();

    public PdfParser Parser { get; }
    /// <summary>The buffer holding the file; only Data[0..Length) belongs to it.</summary>
    public byte[] Data => Parser.Data;
    public int Length => Parser.Length;
    public List<long> RevisionEnds { get; }
    public Dictionary<int, PdfIndirect> FinalObjects { get; }

    private readonly ValidationOptions _options;
    private readonly CancellationToken _ct;

    public PdfDocumentModel(byte[] data, int length, ValidationOptions options, CancellationToken ct)
    {
        _options = options;
        _ct = ct;
        Parser = new PdfParser(data, length, options.MaxNesting, options.MaxObjects, ct);
        RevisionEnds = Parser.RevisionEnds();
        if (RevisionEnds.Count == 0) throw new PdfFormatException("no %%EOF marker: not a complete PDF");
        FinalObjects = ObjectsAt(length);
    }

    /// <summary>
    /// The objects a viewer sees in the prefix ending at <paramref name="end"/>: revision by revision, the objects
    /// defined in it (later definitions winning), then its cross-reference entries, which may free an object or point
    /// a number at an object written earlier (ISO 32000-1 7.5.6). Offsets outside the prefix are ignored.
    /// </summary>
    public Dictionary<int, PdfIndirect> ObjectsAt(long end)
    {
        if (_objectsAt.TryGetValue(end, out var known)) return known;
        long previousEnd = RevisionEnds.Where(e => e < end).DefaultIfEmpty(0).Max();
        var objects = previousEnd == 0 ? new Dictionary<int, PdfIndirect>() : new Dictionary<int, PdfIndirect>(ObjectsAt(previousEnd));
        var definedHere = Parser.ScanObjects(previousEnd, end);
        foreach (var (number, obj) in ExpandObjectStreams(definedHere).OrderBy(kv => kv.Value.Offset)) objects[number] = obj;
        var (entries, root) = XrefSections.Read(Parser, previousEnd, end, definedHere.Values, o => StreamData(o));
        foreach (var entry in entries)
        {
            if (entry.Number == 0) continue;
            if (entry.Free) { objects.Remove(entry.Number); continue; }
            if (objects.TryGetValue(entry.Number, out var current) && current.Offset == entry.Offset) continue;
            if (entry.Offset <= 0 || entry.Offset >= end) continue;
            PdfIndirect? at = null;
            try { at = Parser.ParseIndirectAt(entry.Offset, end); } catch (PdfFormatException) { }
            // A viewer reads the object the entry points at, even one written in an earlier revision.
            if (at is not null && at.Number == entry.Number) objects[entry.Number] = at;
        }
        if (root is not null) _rootAt[end] = root.Value;
        else if (previousEnd > 0 && _rootAt.TryGetValue(previousEnd, out var inherited)) _rootAt[end] = inherited;
        _objectsAt[end] = objects;
        return objects;
    }

    private readonly Dictionary<long, int> _rootAt = new();

    /// <summary>The catalog a viewer opens at <paramref name="end"/>: the trailer's /Root, else the last catalog written.</summary>
    public PdfDictionary? RootAt(long end)
    {
        var objects = ObjectsAt(end);
        if (_rootAt.TryGetValue(end, out var n) && objects.TryGetValue(n, out var o) && o.Dict is { } d) return d;
        return Catalog(objects);
    }

    /// <summary>Object number of the catalog at <paramref name="end"/>, when the trailer names one.</summary>
    public int? RootNumberAt(long end)
    {
        ObjectsAt(end);
        return _rootAt.TryGetValue(end, out var n) ? n : null;
    }

    /// <summary>
    /// Adds objects stored inside compressed object streams (PDF 1.5). Each counts as defined where its object
    /// stream is, so an object redefined in a later revision (directly or in a newer stream) still wins.
    /// Change analysis would otherwise be blind to edits hidden in object streams.
    /// </summary>
    private Dictionary<int, PdfIndirect> ExpandObjectStreams(Dictionary<int, PdfIndirect> direct)
    {
        var streams = direct.Values.Where(o => o.IsStream && o.Dict?.NameOf("Type") == "ObjStm").ToList();
        if (streams.Count == 0) return direct;
        var definitions = direct.Values.Select(o => (o.Offset, Order: 1, Obj: o)).ToList();
        foreach (var os in streams)
        {
            if (os.Dict!["N"] is not PdfNumber n || os.Dict["First"] is not PdfNumber first) continue;
            var decoded = StreamData(os);
            if (decoded is null || n.Value < 0 || n.Value > _options.MaxObjects || first.Value < 0 || first.Value > decoded.Length) continue;
            var inner = new PdfParser(decoded, _options.MaxNesting, _options.MaxObjects, _ct);
            long pos = 0;
            var header = new List<(int Number, long Offset)>();
            try
            {
                for (int i = 0; i < (int)n.Value; i++)
                {
                    if (inner.ParseValue(ref pos, (long)first.Value, 0) is not PdfNumber num || inner.ParseValue(ref pos, (long)first.Value, 0) is not PdfNumber off) break;
                    header.Add(((int)num.LongValue, (long)first.Value + off.LongValue));
                }
                foreach (var (number, offset) in header)
                {
                    if (offset < 0 || offset >= decoded.Length) continue;
                    long p = offset;
                    var value = inner.ParseValue(ref p, decoded.Length, 0);
                    // Offsets stay those of the containing stream: the object has no own bytes in the file.
                    definitions.Add((os.Offset, 0, new PdfIndirect(number, 0, value, os.Offset, os.End)));
                }
            }
            catch (PdfFormatException) { /* a damaged object stream contributes what could be read */ }
            if (definitions.Count > _options.MaxObjects) throw new PdfFormatException($"more than {_options.MaxObjects} objects");
        }
        var result = new Dictionary<int, PdfIndirect>();
        foreach (var d in definitions.OrderBy(d => d.Offset).ThenBy(d => d.Order)) result[d.Obj.Number] = d.Obj;
        return result;
    }

    /// <summary>1-based revision number whose end is exactly <paramref name="end"/>, or 0 when none is.</summary>
    public int RevisionEndingAt(long end) => RevisionEnds.IndexOf(end) + 1;

    public PdfObject? Resolve(PdfObject? value, Dictionary<int, PdfIndirect> objects, int hops = 0)
    {
        while (value is PdfReference r && hops++ < 32)
            value = objects.TryGetValue(r.Number, out var o) ? o.Value : null;
        return value is PdfReference ? null : value;
    }

    public PdfDictionary? Catalog(Dictionary<int, PdfIndirect> objects) =>
        objects.Values.Where(o => o.Dict?.NameOf("Type") == "Catalog").OrderByDescending(o => o.Offset).FirstOrDefault()?.Dict;

    public List<SignatureDictionary> Signatures()
    {
        var fieldNames = new Dictionary<int, string>();
        foreach (var o in FinalObjects.Values)
            if (o.Dict is { } d && d["V"] is PdfReference v && d["T"] is PdfString t)
                fieldNames[v.Number] = t.Text();
        return FinalObjects.Values
            .Where(o => o.Dict is { } d && d["ByteRange"] is PdfArray && d["Contents"] is PdfString)
            .OrderBy(o => o.Offset)
            .Select(o => new SignatureDictionary(o, fieldNames.GetValueOrDefault(o.Number)))
            .ToList();
    }

    /// <summary>DocMDP permission level (1..3) of the certification signature, with that signature's object number.</summary>
    public (int Permission, int SignatureObject)? DocMdp()
    {
        var perms = Resolve(Catalog(FinalObjects)?["Perms"], FinalObjects) as PdfDictionary;
        if (perms?["DocMDP"] is not PdfReference sigRef) return null;
        if (!FinalObjects.TryGetValue(sigRef.Number, out var sig) || sig.Dict is null) return null;
        int p = 2; // ISO 32000-1 12.8.2.2: default when /P is absent
        if (Resolve(sig.Dict["Reference"], FinalObjects) is PdfArray refs)
            foreach (var r in refs.Items)
                if (Resolve(r, FinalObjects) is PdfDictionary rd && rd.NameOf("TransformMethod") == "DocMDP"
                    && Resolve(rd["TransformParams"], FinalObjects) is PdfDictionary tp && tp["P"] is PdfNumber n)
                    p = (int)n.LongValue is >= 1 and <= 3 ? (int)n.LongValue : 2;
        return (p, sigRef.Number);
    }

    /// <summary>The DSS dictionary present in the document prefix ending at <paramref name="end"/>.</summary>
    /// <summary>
    /// Where the DSS dictionary visible at <paramref name="end"/> was written (the catalog's offset when the DSS is a
    /// direct object), or null without a DSS: tells whether a revision rewrote the DSS.
    /// </summary>
    public long? DssWrittenAt(long end)
    {
        var objects = ObjectsAt(end);
        var catalogDss = Catalog(objects)?["DSS"];
        if (catalogDss is null) return null;
        if (catalogDss is PdfReference r) return objects.TryGetValue(r.Number, out var o) ? o.Offset : null;
        return objects.Values.Where(o => o.Dict?.NameOf("Type") == "Catalog").Max(o => (long?)o.Offset);
    }

    public DssContent Dss(long end)
    {
        var objects = ObjectsAt(end);
        var dss = Resolve(Catalog(objects)?["DSS"], objects) as PdfDictionary;
        var content = new DssContent();
        if (dss is null) return content;
        content.Present = true;
        // The DSS dictionary itself (and indirect arrays in it) is validation data too: a B-LTA renewal rewrites it to
        // add the new material, which is an allowed change, not an "object changed after signing".
        if (Catalog(objects)?["DSS"] is PdfReference dssRef) content.ObjectNumbers.Add(dssRef.Number);
        foreach (var key in new[] { "Certs", "CRLs", "OCSPs", "VRI" })
            if (dss[key] is PdfReference arrayRef) content.ObjectNumbers.Add(arrayRef.Number);
        content.Certificates.AddRange(StreamsOf(dss["Certs"], objects, content.ObjectNumbers));
        content.Crls.AddRange(StreamsOf(dss["CRLs"], objects, content.ObjectNumbers));
        content.Ocsps.AddRange(StreamsOf(dss["OCSPs"], objects, content.ObjectNumbers));
        if (Resolve(dss["VRI"], objects) is PdfDictionary vri)
        {
            if (Catalog(objects)?["DSS"] is PdfReference vr) content.ObjectNumbers.Add(vr.Number);
            foreach (var entry in vri.Values)
            {
                if (entry is PdfReference er) content.ObjectNumbers.Add(er.Number);
                if (Resolve(entry, objects) is PdfDictionary vd)
                {
                    content.Certificates.AddRange(StreamsOf(vd["Cert"], objects, content.ObjectNumbers));
                    content.Crls.AddRange(StreamsOf(vd["CRL"], objects, content.ObjectNumbers));
                    content.Ocsps.AddRange(StreamsOf(vd["OCSP"], objects, content.ObjectNumbers));
                }
            }
        }
        if (dss["VRI"] is PdfReference vriRef) content.ObjectNumbers.Add(vriRef.Number);
        return content;
    }

    private IEnumerable<byte[]> StreamsOf(PdfObject? array, Dictionary<int, PdfIndirect> objects, HashSet<int> numbers)
    {
        if (Resolve(array, objects) is not PdfArray items) yield break;
        foreach (var item in items.Items.Take(10_000))
        {
            if (item is not PdfReference r || !objects.TryGetValue(r.Number, out var o) || !o.IsStream) continue;
            numbers.Add(r.Number);
            var data = StreamData(o);
            if (data is not null) yield return data;
        }
    }

    /// <summary>Decoded stream data (FlateDecode, PNG predictors), or null when a filter is unsupported, the data is damaged or it inflates beyond <paramref name="maxBytes"/>.</summary>
    public byte[]? StreamData(PdfIndirect o, int maxBytes = 16 * 1024 * 1024)
    {
        var raw = Data.AsSpan((int)o.StreamStart, (int)o.StreamLength).ToArray();
        try { return StreamDecoder.Decode(new PdfStream(o.Dict!, raw), v => v, maxBytes); }
        catch (Exception e) when (e is PdfFormatException or InvalidDataException) { return null; }
    }
}

internal sealed class DssContent
{
    public bool Present { get; set; }
    public List<byte[]> Certificates { get; } = [];
    public List<byte[]> Crls { get; } = [];
    public List<byte[]> Ocsps { get; } = [];
    public HashSet<int> ObjectNumbers { get; } = [];
}

using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Signing.Tests.Validation.Corpus;

/// <summary>
/// Writes a one-page PDF and appends incremental updates (signatures, document timestamps, DSS, content edits) with
/// classic xref sections. Kept independent of the product's signer so the validator is tested against a second implementation.
/// Object numbers: 1 catalog, 2 pages, 3 page, 4 content, 5 font.
/// </summary>
public sealed class MinimalPadesWriter
{
    private readonly MemoryStream _out = new();
    private int _nextObject = 6;
    private long _lastXref;
    private readonly List<int> _annots = [];
    private int? _acroForm, _dss, _perms;
    private readonly List<int> _extraPages = [];
    private int _signatureCount;
    private readonly Dictionary<string, int> _textFields = [];
    private readonly Dictionary<int, long> _where = [];
    private int? _fieldsArray;

    /// <summary>Extra catalog entries, e.g. "/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 2 >> >>".</summary>
    public string CatalogExtra { get; set; } = "";
    /// <summary>Extra page entries (after /Resources), e.g. "/Tabs /S".</summary>
    public string PageExtra { get; set; } = "";
    /// <summary>Extra resource entries of the page, e.g. "/XObject << /Im1 6 0 R >>".</summary>
    public string ResourcesExtra { get; set; } = "";
    /// <summary>When set, the form's /Fields array is an indirect object of its own, grown by each added field.</summary>
    public bool IndirectFields { get; set; }

    /// <summary>Where object <paramref name="n"/> was last written.</summary>
    public long OffsetOf(int n) => _where[n];

    /// <summary>The next free object number (reserved).</summary>
    public int NewObject() => _nextObject++;

    /// <summary>Object number of the text field named <paramref name="name"/>.</summary>
    public int FieldObject(string name) => _textFields[name];

    public MinimalPadesWriter(string text = "Hop dong so 42 / Contract no. 42")
    {
        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new SortedDictionary<int, long>();
        offsets[1] = Obj(1, Catalog());
        offsets[2] = Obj(2, Pages());
        offsets[3] = Obj(3, Page());
        offsets[4] = Stream(4, "", ContentFor(text));
        offsets[5] = Obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        FinishRevision(offsets, fullTable: true);
    }

    public byte[] ToArray() => _out.ToArray();

    private static byte[] ContentFor(string text) => Encoding.ASCII.GetBytes($"BT /F1 18 Tf 72 720 Td ({text}) Tj ET");

    private string Catalog()
    {
        var sb = new StringBuilder("<< /Type /Catalog /Pages 2 0 R");
        if (_acroForm is { } af) sb.Append($" /AcroForm {af} 0 R");
        if (_dss is { } dss) sb.Append($" /DSS {dss} 0 R");
        if (_perms is { } p) sb.Append($" /Perms << /DocMDP {p} 0 R >>");
        if (CatalogExtra.Length > 0) sb.Append(' ').Append(CatalogExtra);
        return sb.Append(" >>").ToString();
    }

    private string Pages() => $"<< /Type /Pages /Kids [3 0 R{string.Concat(_extraPages.Select(p => $" {p} 0 R"))}] /Count {1 + _extraPages.Count} >>";

    private string Page() =>
        $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> {ResourcesExtra} >>{(PageExtra.Length > 0 ? " " + PageExtra : "")}"
        + (_annots.Count > 0 ? $" /Annots [{string.Join(" ", _annots.Select(a => $"{a} 0 R"))}]" : "") + " >>";

    /// <summary>Appends a revision holding a signature (or document timestamp) and fills its /Contents via <paramref name="sign"/>.</summary>
    /// <param name="fieldMdp">FieldMDP transform parameters for the signature's /Reference, e.g. "/Action /Include /Fields [(Amount)]".</param>
    /// <param name="fieldLock">A /Lock dictionary body for the signature field, e.g. "/Action /All".</param>
    public MinimalPadesWriter AppendSignature(Func<byte[], byte[]> sign, bool documentTimestamp = false, int? docMdpPermission = null, int placeholderBytes = 12000,
        string? fieldMdp = null, string? fieldLock = null, string subFilter = "ETSI.CAdES.detached")
    {
        int sigObj = _nextObject++, fieldObj = _nextObject++;
        bool newForm = _acroForm is null;
        if (newForm) _acroForm = _nextObject++;
        _annots.Add(fieldObj);
        if (docMdpPermission is not null) _perms = sigObj;
        string name = $"Signature{++_signatureCount}";
        var offsets = new SortedDictionary<int, long>();
        offsets[1] = Obj(1, Catalog());
        offsets[3] = Obj(3, Page());
        WriteForm(offsets);
        var lockEntry = fieldLock is null ? "" : $" /Lock << /Type /SigFieldLock {fieldLock} >>";
        offsets[fieldObj] = Obj(fieldObj, $"<< /Type /Annot /Subtype /Widget /FT /Sig /T ({name}) /V {sigObj} 0 R /F 132 /Rect [0 0 0 0] /P 3 0 R{lockEntry} >>");

        string reference = docMdpPermission is { } p
            ? $" /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P {p} /V /1.2 >> >>]"
            : fieldMdp is not null ? $" /Reference [<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Type /TransformParams {fieldMdp} /V /1.2 >> >>]" : "";
        string head = documentTimestamp
            ? $"{sigObj} 0 obj\n<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161{reference} /ByteRange "
            : $"{sigObj} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /{subFilter} /M (D:{TestPki.Now.AddDays(-1):yyyyMMddHHmmss}+00'00'){reference} /ByteRange ";
        offsets[sigObj] = _out.Position;
        Write(head);
        long byteRangeAt = _out.Position;
        Write("[0 0000000000 0000000000 0000000000]");
        Write(" /Contents ");
        long contentsAt = _out.Position;
        Write("<" + new string('0', placeholderBytes * 2) + ">");
        long contentsEnd = _out.Position;
        Write(" >>\nendobj\n");
        FinishRevision(offsets, fullTable: false);

        var bytes = _out.ToArray();
        long d = bytes.Length - contentsEnd;
        var range = $"[0 {contentsAt} {contentsEnd} {d}]";
        Encoding.ASCII.GetBytes(range.PadRight(36)).CopyTo(bytes, byteRangeAt);
        var signed = bytes.AsSpan(0, (int)contentsAt).ToArray().Concat(bytes.AsSpan((int)contentsEnd).ToArray()).ToArray();
        var cms = sign(signed);
        if (cms.Length > placeholderBytes) throw new InvalidOperationException("signature larger than placeholder");
        Encoding.ASCII.GetBytes(Convert.ToHexString(cms)).CopyTo(bytes, contentsAt + 1);
        _out.SetLength(0);
        _out.Write(bytes);
        return this;
    }

    /// <summary>Appends a revision adding a text form field (widget and field in one object) with an empty value.</summary>
    public MinimalPadesWriter AppendTextField(string name)
    {
        int field = _nextObject++;
        _acroForm ??= _nextObject++;
        _annots.Add(field);
        _textFields[name] = field;
        var offsets = new SortedDictionary<int, long>
        {
            [field] = Obj(field, TextField(name, "")),
            [3] = Obj(3, Page()),
            [1] = Obj(1, Catalog()),
        };
        WriteForm(offsets);
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    private void WriteForm(SortedDictionary<int, long> offsets)
    {
        var fields = $"[{string.Join(" ", _annots.Where(a => !_plainAnnots.Contains(a)).Select(a => $"{a} 0 R"))}]";
        if (IndirectFields)
        {
            _fieldsArray ??= _nextObject++;
            offsets[_fieldsArray.Value] = Obj(_fieldsArray.Value, fields);
            fields = $"{_fieldsArray} 0 R";
        }
        offsets[_acroForm!.Value] = Obj(_acroForm.Value, $"<< /Fields {fields} /SigFlags 3 /DA (/Helv 0 Tf 0 g) >>");
    }

    private readonly HashSet<int> _plainAnnots = [];

    /// <summary>
    /// Appends a revision writing the given objects as they are (streams when <c>Stream</c> is set) and, when
    /// <paramref name="xref"/> is given, extra cross-reference entries (free ones or ones pointing at earlier offsets).
    /// </summary>
    /// <param name="unlisted">objects written but given no in-use entry (combine with a free entry in <paramref name="xref"/> to hide them).</param>
    public MinimalPadesWriter AppendRaw(IEnumerable<(int Number, string Body, byte[]? Stream)> objects, IEnumerable<(int Number, long Offset, bool Free)>? xref = null, bool rewritePage = false, IEnumerable<int>? unlisted = null, bool rewriteCatalog = false)
    {
        var offsets = new SortedDictionary<int, long>();
        var hidden = (unlisted ?? []).ToHashSet();
        foreach (var (n, body, stream) in objects)
        {
            var at = stream is null ? Obj(n, body) : Stream(n, body, stream);
            if (!hidden.Contains(n)) offsets[n] = at;
        }
        if (rewritePage) offsets[3] = Obj(3, Page());
        if (rewriteCatalog) offsets[1] = Obj(1, Catalog());
        FinishRevision(offsets, fullTable: false, xref);
        return this;
    }

    /// <summary>Replaces the page's content stream within the current revision-to-be (used to build the document before signing).</summary>
    public MinimalPadesWriter AppendPageContent(string content, string? resourcesExtra = null, IEnumerable<(int Number, string Body, byte[]? Stream)>? objects = null)
    {
        if (resourcesExtra is not null) ResourcesExtra = resourcesExtra;
        var offsets = new SortedDictionary<int, long>();
        foreach (var (n, body, stream) in objects ?? [])
            offsets[n] = stream is null ? Obj(n, body) : Stream(n, body, stream);
        offsets[4] = Stream(4, "", Encoding.ASCII.GetBytes(content));
        offsets[3] = Obj(3, Page());
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>Appends a revision adding a text field with the given value and (optionally) its own appearance stream.</summary>
    public MinimalPadesWriter AppendTextField(string name, string value, string? appearance, string rect = "72 600 300 620", string extra = "")
    {
        int field = _nextObject++;
        _acroForm ??= _nextObject++;
        _annots.Add(field);
        _textFields[name] = field;
        var offsets = new SortedDictionary<int, long>();
        string ap = "";
        if (appearance is not null)
        {
            int apObj = _nextObject++;
            offsets[apObj] = Stream(apObj, $" /Type /XObject /Subtype /Form /BBox [0 0 300 20] /Resources << /Font << /F1 5 0 R >> >>", Encoding.ASCII.GetBytes(appearance));
            ap = $" /AP << /N {apObj} 0 R >>";
        }
        offsets[field] = Obj(field, $"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({name}) /V ({value}) /Rect [{rect}] /P 3 0 R{ap}{extra} >>");
        offsets[3] = Obj(3, Page());
        offsets[1] = Obj(1, Catalog());
        WriteForm(offsets);
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>
    /// Appends a revision adding a text field that the page and the form reference but the cross-reference table marks
    /// free: viewers do not show it (the set-up of the hide-and-replace shadow attack).
    /// </summary>
    public MinimalPadesWriter AppendShadowField(string name, string value, string rect = "72 600 300 620")
    {
        int field = _nextObject++;
        _annots.Add(field);
        _textFields[name] = field;
        var offsets = new SortedDictionary<int, long>();
        long at = Obj(field, $"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({name}) /V ({value}) /Rect [{rect}] /P 3 0 R >>");
        offsets[3] = Obj(3, Page());
        WriteForm(offsets);
        FinishRevision(offsets, fullTable: false, [(field, at, true)]);
        return this;
    }

    /// <summary>Appends a revision adding an annotation that is not a form field (it stays out of /Fields).</summary>
    public MinimalPadesWriter AppendFreeText(string text)
    {
        int annot = _nextObject++;
        _annots.Add(annot);
        _plainAnnots.Add(annot);
        var offsets = new SortedDictionary<int, long>
        {
            [annot] = Obj(annot, $"<< /Type /Annot /Subtype /FreeText /Rect [300 100 500 130] /DA (/Helv 12 Tf 0 g) /Contents ({text}) >>"),
            [3] = Obj(3, Page()),
        };
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>Appends a revision that fills in a text field's value (a form fill).</summary>
    public MinimalPadesWriter AppendFormFill(string name, string value)
    {
        int field = _textFields[name];
        FinishRevision(new SortedDictionary<int, long> { [field] = Obj(field, TextField(name, value)) }, fullTable: false);
        return this;
    }

    private static string TextField(string name, string value) =>
        $"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({name}) /V ({value}) /Rect [72 600 300 620] /P 3 0 R >>";

    /// <summary>Appends a DSS with the given certificates and CRLs (B-LT material).</summary>
    public MinimalPadesWriter AppendDss(IEnumerable<byte[]> certificates, IEnumerable<byte[]> crls, IEnumerable<byte[]>? ocsps = null)
    {
        var offsets = new SortedDictionary<int, long>();
        var certRefs = new List<int>();
        var crlRefs = new List<int>();
        foreach (var c in certificates) { int n = _nextObject++; offsets[n] = Stream(n, "", c, compress: true); certRefs.Add(n); }
        foreach (var c in crls) { int n = _nextObject++; offsets[n] = Stream(n, "", c, compress: true); crlRefs.Add(n); }
        var ocspRefs = new List<int>();
        foreach (var c in ocsps ?? []) { int n = _nextObject++; offsets[n] = Stream(n, "", c, compress: true); ocspRefs.Add(n); }
        _dss = _nextObject++;
        offsets[_dss.Value] = Obj(_dss.Value, $"<< /Type /DSS /Certs [{string.Join(" ", certRefs.Select(r => $"{r} 0 R"))}] /CRLs [{string.Join(" ", crlRefs.Select(r => $"{r} 0 R"))}] /OCSPs [{string.Join(" ", ocspRefs.Select(r => $"{r} 0 R"))}] >>");
        offsets[1] = Obj(1, Catalog());
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    private int? _vri, _vriEntry, _vriCerts, _vriCrls;
    private readonly List<int> _dssCerts = [], _dssCrls = [];

    /// <summary>
    /// Appends a DSS revision whose VRI entry keeps its /Cert and /CRL arrays as indirect objects, as Adobe and DSS
    /// write them; a second call grows those arrays (and rewrites nothing else of the VRI).
    /// </summary>
    public MinimalPadesWriter AppendDssWithVri(string vriKey, IEnumerable<byte[]> certificates, IEnumerable<byte[]> crls)
    {
        var offsets = new SortedDictionary<int, long>();
        foreach (var c in certificates) { int n = _nextObject++; offsets[n] = Stream(n, "", c, compress: true); _dssCerts.Add(n); }
        foreach (var c in crls) { int n = _nextObject++; offsets[n] = Stream(n, "", c, compress: true); _dssCrls.Add(n); }
        bool first = _vri is null;
        _vriCerts ??= _nextObject++;
        _vriCrls ??= _nextObject++;
        offsets[_vriCerts.Value] = Obj(_vriCerts.Value, $"[{string.Join(" ", _dssCerts.Select(r => $"{r} 0 R"))}]");
        offsets[_vriCrls.Value] = Obj(_vriCrls.Value, $"[{string.Join(" ", _dssCrls.Select(r => $"{r} 0 R"))}]");
        if (first)
        {
            _vriEntry = _nextObject++;
            _vri = _nextObject++;
            _dss = _nextObject++;
            offsets[_vriEntry.Value] = Obj(_vriEntry.Value, $"<< /Cert {_vriCerts} 0 R /CRL {_vriCrls} 0 R >>");
            offsets[_vri.Value] = Obj(_vri.Value, $"<< /{vriKey} {_vriEntry} 0 R >>");
            offsets[_dss.Value] = Obj(_dss.Value, $"<< /Type /DSS /VRI {_vri} 0 R /Certs {_vriCerts} 0 R /CRLs {_vriCrls} 0 R >>");
            offsets[1] = Obj(1, Catalog());
        }
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>Appends a revision that replaces the page's content stream: a change no signature allows.</summary>
    public MinimalPadesWriter AppendContentChange(string newText)
    {
        var offsets = new SortedDictionary<int, long> { [4] = Stream(4, "", ContentFor(newText)) };
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>Appends a revision that adds a page.</summary>
    public MinimalPadesWriter AppendPage()
    {
        int page = _nextObject++;
        _extraPages.Add(page);
        var offsets = new SortedDictionary<int, long>
        {
            [page] = Obj(page, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
            [2] = Obj(2, Pages()),
        };
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>
    /// Appends a revision that redefines the page (new MediaBox) inside a compressed object stream, the way an
    /// attacker would hide an edit from tools that do not look into object streams. The xref lists only the stream
    /// object (a cross-reference stream would be needed to point into it; the validator does not rely on xref data).
    /// </summary>
    public MinimalPadesWriter AppendPageChangeInObjectStream()
    {
        var page = Page().Replace("[0 0 595 842]", "[0 0 842 595]");
        var header = "3 0 ";
        var body = Encoding.ASCII.GetBytes(header + page);
        int n = _nextObject++;
        var offsets = new SortedDictionary<int, long> { [n] = Stream(n, $" /Type /ObjStm /N 1 /First {header.Length}", body, compress: true) };
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    /// <summary>Appends a revision adding a text (sticky note) annotation.</summary>
    public MinimalPadesWriter AppendAnnotation()
    {
        int annot = _nextObject++;
        _annots.Add(annot);
        _plainAnnots.Add(annot);
        var offsets = new SortedDictionary<int, long>
        {
            [annot] = Obj(annot, "<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /Contents (Da xem / Reviewed) >>"),
            [3] = Obj(3, Page()),
        };
        FinishRevision(offsets, fullTable: false);
        return this;
    }

    private long Obj(int n, string body)
    {
        long at = _out.Position;
        _where[n] = at;
        Write($"{n} 0 obj\n{body}\nendobj\n");
        return at;
    }

    private long Stream(int n, string extra, byte[] data, bool compress = false)
    {
        if (compress)
        {
            using var ms = new MemoryStream();
            using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
            data = ms.ToArray();
            extra += " /Filter /FlateDecode";
        }
        long at = _out.Position;
        _where[n] = at;
        Write($"{n} 0 obj\n<< /Length {data.Length}{extra} >>\nstream\n");
        _out.Write(data);
        Write("\nendstream\nendobj\n");
        return at;
    }

    private void FinishRevision(SortedDictionary<int, long> offsets, bool fullTable, IEnumerable<(int Number, long Offset, bool Free)>? raw = null)
    {
        long xref = _out.Position;
        var sb = new StringBuilder("xref\n");
        if (fullTable)
        {
            sb.Append($"0 {_nextObject}\n0000000000 65535 f\r\n");
            for (int i = 1; i < _nextObject; i++) sb.Append($"{offsets[i]:D10} 00000 n\r\n");
        }
        else
            foreach (var (n, off) in offsets) sb.Append($"{n} 1\n{off:D10} 00000 n\r\n");
        foreach (var (n, off, free) in raw ?? []) sb.Append($"{n} 1\n{off:D10} {(free ? "00001 f" : "00000 n")}\r\n");
        sb.Append($"trailer\n<< /Size {_nextObject} /Root 1 0 R{(fullTable ? "" : $" /Prev {_lastXref}")} >>\nstartxref\n{xref}\n%%EOF\n");
        Write(sb.ToString());
        _lastXref = xref;
    }

    private void Write(string s) => _out.Write(Encoding.Latin1.GetBytes(s));

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

using Signing.Pdf;
using System.Security.Cryptography;
using System.Text;
using Signing.Validation.Pdf;

namespace Signing.Validation;

/// <summary>
/// Classifies what each revision after a signed one changed. Consecutive revisions are compared as a viewer sees
/// them: from the trailer's catalog down, objects compared by value through references (an identical copy is no
/// change), and every difference judged by what the object is used as in the earlier revision — a page's image that
/// becomes a "metadata" stream is still a changed page. Permissions follow ISO 32000-1 12.8.2.2 (DocMDP P=1/2/3) and
/// ISO 32000-2 12.8.2.2 (DSS and document timestamps always allowed); without a certification signature the
/// approval-signature defaults apply (form fill, annotations and further signatures allowed).
/// </summary>
internal sealed class ChangeAnalyzer(PdfDocumentModel doc)
{
    /// <param name="fieldLocks">FieldMDP locks of the signature (ISO 32000-1 12.8.2.4, 12.7.4.5 /Lock): a later fill of a locked field is not allowed.</param>
    public List<ChangeReport> ChangesAfter(int signedRevision, int? docMdpPermission, FieldLocks? fieldLocks = null)
    {
        var changes = new List<ChangeReport>();
        var signedObjects = doc.ObjectsAt(doc.RevisionEnds[signedRevision - 1]);
        for (int rev = signedRevision + 1; rev <= doc.RevisionEnds.Count; rev++)
            changes.AddRange(new RevisionComparison(doc, rev, docMdpPermission, fieldLocks, signedObjects).Run());
        long lastEnd = doc.RevisionEnds[^1];
        if (doc.Data.AsSpan((int)lastEnd, doc.Length - (int)lastEnd).ContainsAnyExcept(" \r\n\t\0"u8))
            changes.Add(new ChangeReport(doc.RevisionEnds.Count + 1, 0, "unstructured-bytes", false,
                $"{doc.Length - lastEnd} bytes appended after the last %%EOF are not covered by any signature"));
        return changes;
    }
}

/// <summary>Hashes of values as a viewer resolves them (references followed, back-links ignored), per object table.</summary>
internal sealed class ValueHasher(PdfDocumentModel doc, Dictionary<int, PdfIndirect> objects)
{
    /// <summary>Back-links: following them would only revisit the tree from another side.</summary>
    public static readonly HashSet<string> BackLinks = ["Parent", "P", "Pg"];
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PdfIndirect, string> StreamHashes = new();
    private readonly Dictionary<int, string> _memo = new();
    private readonly HashSet<int> _onStack = [];

    public Dictionary<int, PdfIndirect> Objects => objects;

    /// <summary>
    /// A value's fingerprint: a reference and the value it points to print alike, so an identical copy behind a new
    /// reference is equal; a stream adds a digest of its bytes.
    /// </summary>
    public string Of(PdfObject? v)
    {
        var sb = new StringBuilder();
        Append(sb, v, 0);
        return sb.ToString();
    }

    public PdfObject? Resolve(PdfObject? v) => doc.Resolve(v, objects);

    public PdfIndirect? Indirect(PdfObject? v) => v is PdfReference r && objects.TryGetValue(r.Number, out var o) ? o : null;

    private static string Compact(StringBuilder inner) =>
        inner.Length <= 64 ? inner.ToString() : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(inner.ToString())), 0, 16);

    private void Append(StringBuilder sb, PdfObject? v, int depth)
    {
        if (depth > 200) { sb.Append("deep"); return; }
        switch (v)
        {
            case null: sb.Append("null"); break;
            case PdfReference r:
                if (!objects.TryGetValue(r.Number, out var o)) { sb.Append("null"); break; }
                if (_onStack.Contains(r.Number)) { sb.Append("cycle ").Append(r.Number); break; }
                if (!_memo.TryGetValue(r.Number, out var h))
                {
                    _onStack.Add(r.Number);
                    var inner = new StringBuilder();
                    Append(inner, o.Value, depth + 1);
                    if (o.IsStream) inner = new StringBuilder("{" + Compact(inner.Append(" stream ").Append(StreamHash(o))) + "}");
                    _onStack.Remove(r.Number);
                    h = inner.ToString();
                    _memo[r.Number] = h;
                }
                sb.Append(h);
                break;
            case PdfDictionary d:
            {
                var inner = new StringBuilder("<<");
                foreach (var kv in d.Entries.OrderBy(k => k.Key, StringComparer.Ordinal))
                {
                    if (BackLinks.Contains(kv.Key) || kv.Key == "Length") continue;
                    inner.Append('/').Append(kv.Key).Append(' ');
                    Append(inner, kv.Value, depth + 1);
                    inner.Append(' ');
                }
                sb.Append('{').Append(Compact(inner.Append(">>"))).Append('}');
                break;
            }
            case PdfArray a:
            {
                var inner = new StringBuilder("[");
                foreach (var item in a.Items) { Append(inner, item, depth + 1); inner.Append(' '); }
                sb.Append('{').Append(Compact(inner.Append(']'))).Append('}');
                break;
            }
            default: v.WriteCanonical(sb); break;
        }
    }

    private string StreamHash(PdfIndirect o) => StreamHashes.GetValue(o, s =>
        Convert.ToHexString(SHA256.HashData(doc.Data.AsSpan((int)s.StreamStart, (int)s.StreamLength)), 0, 16));
}

/// <summary>What one revision changed relative to the one before it, judged for one signature.</summary>
internal sealed class RevisionComparison
{
    private static readonly HashSet<string> FillKeys = ["V", "AS", "AP", "M", "RV"];
    private static readonly HashSet<string> SignKeys = ["V", "AP", "AS", "M", "F", "Lock", "SV", "MK", "DA"];
    /// <summary>Catalog entries that only say how a viewer opens the document, not what it shows.</summary>
    private static readonly HashSet<string> DisplayKeys = ["PageMode", "PageLayout", "ViewerPreferences", "Lang", "PieceInfo"];

    private readonly PdfDocumentModel _doc;
    private readonly int _rev;
    private readonly FieldLocks? _locks;
    private readonly Dictionary<int, PdfIndirect> _signed;
    private readonly ValueHasher _a, _b;
    private readonly bool _fillAllowed, _annotationsAllowed, _addsDocTimestamp;
    private readonly int? _p;
    private readonly List<ChangeReport> _changes = [];
    private readonly HashSet<int> _reported = [];
    private readonly HashSet<(int, int)> _comparedPairs = [];
    private int _pageNumber;

    public RevisionComparison(PdfDocumentModel doc, int rev, int? docMdp, FieldLocks? locks, Dictionary<int, PdfIndirect> signed)
    {
        _doc = doc; _rev = rev; _p = docMdp; _locks = locks; _signed = signed;
        _a = new ValueHasher(doc, doc.ObjectsAt(doc.RevisionEnds[rev - 2]));
        _b = new ValueHasher(doc, doc.ObjectsAt(doc.RevisionEnds[rev - 1]));
        _fillAllowed = docMdp is null or >= 2;
        _annotationsAllowed = docMdp is null or 3;
        // A revision that adds a document timestamp needs a field for it; ISO 32000-2 12.8.2.2 allows that even under P=1.
        _addsDocTimestamp = _b.Objects.Any(kv => !_a.Objects.ContainsKey(kv.Key) && kv.Value.Dict is { } sd
            && sd["ByteRange"] is not null && (sd.NameOf("Type") == "DocTimeStamp" || sd.NameOf("SubFilter") == "ETSI.RFC3161"));
    }

    public List<ChangeReport> Run()
    {
        var endA = _doc.RevisionEnds[_rev - 2];
        var endB = _doc.RevisionEnds[_rev - 1];
        PdfObject? rootA = _doc.RootNumberAt(endA) is { } ra ? new PdfReference(ra, 0) : _doc.RootAt(endA);
        PdfObject? rootB = _doc.RootNumberAt(endB) is { } rb ? new PdfReference(rb, 0) : _doc.RootAt(endB);
        if (_a.Of(rootA) != _b.Of(rootB)) Catalog(rootA, rootB);
        return _changes;
    }

    private void Report(int obj, string category, bool allowed, string description)
    {
        if (obj > 0 && !_reported.Add(obj)) return;
        _changes.Add(new ChangeReport(_rev, obj, category, allowed, description));
    }

    private static int Num(PdfObject? v, PdfObject? w = null) => v is PdfReference r ? r.Number : w is PdfReference s ? s.Number : 0;

    private bool Same(PdfObject? a, PdfObject? b) => _a.Of(a) == _b.Of(b);

    private void Catalog(PdfObject? a, PdfObject? b)
    {
        if (_a.Resolve(a) is not PdfDictionary ca || _b.Resolve(b) is not PdfDictionary cb)
        {
            Report(Num(b, a), "catalog", false, "the document catalog is missing or unreadable");
            return;
        }
        // Form first: a widget is judged as the field it belongs to, not as an anonymous annotation.
        var keys = ca.Keys.Union(cb.Keys).OrderBy(k => k switch { "AcroForm" => 0, "Pages" => 1, _ => 2 }).ThenBy(k => k, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var (x, y) = (ca[key], cb[key]);
            if (key == "Type" || Same(x, y)) continue;
            switch (key)
            {
                case "Pages": PageTree(x, y); break;
                case "AcroForm": AcroForm(x, y); break;
                case "DSS": Report(Num(y, x), "dss", true, "validation data (DSS) added or updated"); break;
                case "Extensions" or "Version":
                    Report(0, "catalog-version", true, $"catalog /{key} updated (PDF version or extension level declared for DSS or timestamps)"); break;
                case "Metadata": Report(Num(y, x), "metadata", true, "document metadata (XMP) updated"); break;
                case var k when DisplayKeys.Contains(k):
                    Report(0, "catalog-display", true, $"catalog /{key} (how a viewer opens the document) updated"); break;
                case "StructTreeRoot" or "MarkInfo":
                    Report(Num(y, x), "structure", _fillAllowed, $"logical structure (/{key}, tagging) updated" + (_fillAllowed ? "" : "; DocMDP P=1 forbids it")); break;
                default:
                    Report(0, "catalog", false, $"document catalog entry /{key} {(x is null ? "added" : y is null ? "removed" : "changed")} (e.g. open action, names, outlines, permissions, optional content)"); break;
            }
        }
    }

    private void PageTree(PdfObject? a, PdfObject? b)
    {
        if (_a.Resolve(a) is not PdfDictionary na || _b.Resolve(b) is not PdfDictionary nb || na.NameOf("Type") == "Page" != (nb.NameOf("Type") == "Page"))
        {
            Report(Num(b, a), "pages", false, "page tree node replaced");
            return;
        }
        if (na.NameOf("Type") == "Page" || na["Kids"] is null) { _pageNumber++; Page(a, b, na, nb); return; }
        var ka = _a.Resolve(na["Kids"]) as PdfArray;
        var kb = _b.Resolve(nb["Kids"]) as PdfArray;
        if (ka is null || kb is null || ka.Items.Count != kb.Items.Count || !ka.Items.Zip(kb.Items).All(p => Num(p.First) == Num(p.Second)))
        {
            Report(Num(b, a), "pages", false, "page tree changed: pages added, removed or reordered");
            return;
        }
        foreach (var key in na.Keys.Union(nb.Keys))
            if (key is not ("Kids" or "Count" or "Parent" or "Type") && !Same(na[key], nb[key]))
                Report(0, "page", false, $"page tree attribute /{key} (inherited by its pages) changed");
        for (int i = 0; i < ka.Items.Count; i++)
        {
            if (Same(ka.Items[i], kb.Items[i])) { _pageNumber += LeafCount(ka.Items[i]); continue; }
            PageTree(ka.Items[i], kb.Items[i]);
        }
    }

    private int LeafCount(PdfObject? node, int depth = 0)
    {
        if (depth > 64 || _a.Resolve(node) is not PdfDictionary d) return 0;
        if (d.NameOf("Type") == "Page" || d["Kids"] is null) return 1;
        return _a.Resolve(d["Kids"]) is PdfArray kids ? kids.Items.Sum(k => LeafCount(k, depth + 1)) : 0;
    }

    private void Page(PdfObject? a, PdfObject? b, PdfDictionary pa, PdfDictionary pb)
    {
        foreach (var key in pa.Keys.Union(pb.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            var (x, y) = (pa[key], pb[key]);
            if (key is "Parent" or "Type" || Same(x, y)) continue;
            if (key == "Annots") { Annotations(x, y); continue; }
            if (key is "Tabs" or "StructParents")
            {
                Report(0, "structure", _fillAllowed, $"page {_pageNumber}: /{key} updated for the form's tab order or tagging");
                continue;
            }
            var (what, obj) = DescribeDifference("/" + key, x, y);
            Report(obj > 0 ? obj : Num(b, a), "page", false, $"page {_pageNumber}: " + what);
        }
    }

    /// <summary>
    /// Follows the first difference down to the object that changed and names it by what it was used as in the earlier
    /// revision ("the image XObject /Resources/XObject/Im1"), whatever the changed object claims to be now.
    /// </summary>
    private (string Text, int Object) DescribeDifference(string path, PdfObject? x, PdfObject? y)
    {
        int numA = 0, numB = 0;
        for (int depth = 0; depth < 32; depth++)
        {
            if (x is PdfReference rx) numA = rx.Number;
            if (y is PdfReference ry) numB = ry.Number;
            var (rxv, ryv) = (_a.Resolve(x), _b.Resolve(y));
            var streamA = _a.Indirect(x) is { IsStream: true };
            var streamB = _b.Indirect(y) is { IsStream: true };
            if (rxv is PdfDictionary da && ryv is PdfDictionary db && !streamA && !streamB)
            {
                var key = da.Keys.Union(db.Keys).Where(k => !ValueHasher.BackLinks.Contains(k))
                    .OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault(k => !Same(da[k], db[k]));
                if (key is null) break;
                (path, x, y) = ($"{path}/{key}", da[key], db[key]);
                continue;
            }
            if (rxv is PdfArray aa && ryv is PdfArray ab && aa.Items.Count == ab.Items.Count)
            {
                int i = Enumerable.Range(0, aa.Items.Count).FirstOrDefault(i => !Same(aa.Items[i], ab.Items[i]), -1);
                if (i < 0) break;
                (path, x, y) = ($"{path}[{i}]", aa.Items[i], ab.Items[i]);
                continue;
            }
            break;
        }
        var before = Kind(_a.Resolve(x), _a.Indirect(x), path);
        var after = Kind(_b.Resolve(y), _b.Indirect(y), path);
        var obj = numA > 0 ? $"object {numA}, " : "";
        int changed = numA > 0 ? numA : numB;
        if (_b.Resolve(y) is null) return ($"{obj}used as {before} {path}, was removed", changed);
        if (_a.Resolve(x) is null) return ($"{path} added ({after})", changed);
        return (before == after ? $"{obj}used as {before} {path}, changed after signing"
            : $"{obj}used as {before} {path}, was replaced by {after} (judged by its use, not its new type)", changed);
    }

    private static string Kind(PdfObject? v, PdfIndirect? o, string path)
    {
        if (v is not PdfDictionary d) return v is null ? "nothing" : v is PdfArray ? "array" : "value";
        var type = d.NameOf("Type");
        var subtype = d.NameOf("Subtype");
        if (subtype == "Image") return "image XObject";
        if (subtype == "Form" && (type is null or "XObject")) return "form XObject";
        if (type == "Font" || path.Contains("/Font/")) return "font";
        if (o?.IsStream == true && path.Contains("Contents")) return "page content stream";
        if (type == "Metadata") return "metadata stream";
        return type is not null ? $"{type} {(o?.IsStream == true ? "stream" : "object")}" : o?.IsStream == true ? "stream" : "object";
    }

    private void AcroForm(PdfObject? a, PdfObject? b)
    {
        var fa = _a.Resolve(a) as PdfDictionary ?? new PdfDictionary();
        var fb = _b.Resolve(b) as PdfDictionary ?? new PdfDictionary();
        foreach (var key in fa.Keys.Union(fb.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            var (x, y) = (fa[key], fb[key]);
            if (Same(x, y)) continue;
            if (key == "Fields") { FieldList(x, y, ""); continue; }
            bool allowed = key != "XFA" && (_fillAllowed || _addsDocTimestamp);
            Report(0, "form", allowed, $"form dictionary entry /{key} updated" + (allowed ? "" : key == "XFA" ? " (XFA form content)" : "; DocMDP P=1 forbids it"));
        }
    }

    /// <summary>An array of fields or annotations, matched by object number: additions, removals and changes.</summary>
    private void FieldList(PdfObject? a, PdfObject? b, string parentName)
    {
        var la = (_a.Resolve(a) as PdfArray)?.Items ?? [];
        var lb = (_b.Resolve(b) as PdfArray)?.Items ?? [];
        var numbersA = la.OfType<PdfReference>().Select(r => r.Number).ToHashSet();
        var numbersB = lb.OfType<PdfReference>().Select(r => r.Number).ToHashSet();
        foreach (var r in lb.OfType<PdfReference>())
            if (!numbersA.Contains(r.Number) || _a.Resolve(r) is null) FieldAdded(r, parentName);
            else Field(r, r, parentName);
        foreach (var r in la.OfType<PdfReference>().Where(r => !numbersB.Contains(r.Number)))
            Report(r.Number, "form-field", false, $"form field {Name(_a.Resolve(r) as PdfDictionary, parentName)} removed (object {r.Number})");
        if (la.Count(i => i is not PdfReference) + lb.Count(i => i is not PdfReference) > 0 && !Same(new PdfArray(la.Where(i => i is not PdfReference).ToList()), new PdfArray(lb.Where(i => i is not PdfReference).ToList())))
            Report(0, "form-field", false, "form fields written directly into the field list changed");
    }

    private static string Name(PdfDictionary? d, string parentName)
    {
        var own = d?["T"] is PdfString t ? t.Text() : null;
        var full = own is null ? parentName : parentName.Length == 0 ? own : $"{parentName}.{own}";
        return full.Length == 0 ? "(unnamed)" : $"'{full}'";
    }

    private static string FullName(PdfDictionary? d, string parentName)
    {
        var own = d?["T"] is PdfString t ? t.Text() : null;
        return own is null ? parentName : parentName.Length == 0 ? own : $"{parentName}.{own}";
    }

    /// <summary>Field type, inherited from ancestors (ISO 32000-1 12.7.3.1).</summary>
    private static string? FieldType(ValueHasher h, PdfDictionary? d)
    {
        for (int depth = 0; d is not null && depth < 32; depth++)
        {
            if (d.NameOf("FT") is { } ft) return ft;
            d = h.Resolve(d["Parent"]) as PdfDictionary;
        }
        return null;
    }

    private void FieldAdded(PdfReference r, string parentName)
    {
        var d = _b.Resolve(r) as PdfDictionary;
        var name = Name(d, parentName);
        if (FieldType(_b, d) == "Sig")
        {
            var sig = _b.Resolve(d?["V"]) as PdfDictionary;
            bool ts = sig is not null && (sig.NameOf("Type") == "DocTimeStamp" || sig.NameOf("SubFilter") == "ETSI.RFC3161");
            if (ts) { Report(r.Number, "document-timestamp", true, $"document timestamp added in field {name}"); return; }
            bool allowed = _fillAllowed;
            Report(r.Number, "signature", allowed, (sig is null ? $"empty signature field {name} added" : $"new signature added in field {name}") + (allowed ? "" : "; DocMDP P=1 forbids it"));
            return;
        }
        Report(r.Number, "form-field", _fillAllowed, $"form field {name} added (object {r.Number})" + (_fillAllowed ? "" : "; DocMDP P=1 forbids it"));
    }

    private void Field(PdfObject a, PdfObject b, string parentName)
    {
        if (Same(a, b)) return;
        int num = Num(b, a);
        if (num > 0 && !_comparedPairs.Add((Num(a), num))) return;
        var da = _a.Resolve(a) as PdfDictionary;
        var db = _b.Resolve(b) as PdfDictionary;
        if (db is null) { Report(num, "form-field", false, $"form field {Name(da, parentName)} removed (object {num})"); return; }
        if (da is null) { FieldAdded((PdfReference)b, parentName); return; }
        var fullName = FullName(da, parentName);
        var name = Name(da, parentName);
        var changed = da.Keys.Union(db.Keys).Where(k => !ValueHasher.BackLinks.Contains(k) && k != "Kids" && !Same(da[k], db[k])).ToHashSet();
        if (da["Kids"] is not null || db["Kids"] is not null)
        {
            if (!Same(da["Kids"], db["Kids"])) FieldList(da["Kids"], db["Kids"], fullName);
            if (changed.Count == 0) return;
        }
        var ft = FieldType(_a, da);
        if (ft == "Sig")
        {
            var oldValue = _a.Resolve(da["V"]);
            var newSig = _b.Resolve(db["V"]) as PdfDictionary;
            if (changed.Contains("V") && oldValue is not null && oldValue is not PdfNull)
            {
                Report(num, "signature-modified", false, $"the signature value of field {name} was replaced or removed");
                return;
            }
            if (changed.IsSubsetOf(SignKeys))
            {
                bool ts = newSig is not null && (newSig.NameOf("Type") == "DocTimeStamp" || newSig.NameOf("SubFilter") == "ETSI.RFC3161");
                bool allowed = ts || _fillAllowed;
                Report(num, ts ? "document-timestamp" : "signature", allowed,
                    (changed.Contains("V") ? $"field {name} signed" : $"appearance of signature field {name} updated") + (allowed ? "" : "; DocMDP P=1 forbids it"));
                return;
            }
            Report(num, "form-field", false, $"signature field {name} definition changed (/{string.Join(", /", changed.Order())})");
            return;
        }
        if (da.NameOf("Subtype") is { } st && st != "Widget" && ft is null)
        {
            Report(num, "annotation", _annotationsAllowed, $"annotation (object {num}, /{st}) changed" + (_annotationsAllowed ? "" : $"; DocMDP P={_p} forbids it"));
            return;
        }
        if (!changed.IsSubsetOf(FillKeys))
        {
            Report(num, "form-field", false, $"form field {name} definition changed (/{string.Join(", /", changed.Order())})");
            return;
        }
        // A value or appearance shown when the document was signed is signed content: replacing it is a visible change
        // (the "replace" shadow attack), filling an empty field is not.
        if (VisibleReplacement(da, db, changed, name) is { } visible)
        {
            Report(num, "form-fill", false, visible);
            return;
        }
        bool fill = _fillAllowed;
        var description = $"form field {name} filled in (object {num})";
        if (!fill) description += "; DocMDP P=1 forbids it";
        else if (_locks is not null && _signed.ContainsKey(num) && _locks.Locks(fullName))
        {
            fill = false;
            description += $"; field '{fullName}' is locked by the signature's FieldMDP ({_locks.Describe()})";
        }
        Report(num, "form-fill", fill, description);
    }

    private string? VisibleReplacement(PdfDictionary da, PdfDictionary db, HashSet<string> changed, string name)
    {
        var oldValue = Inherited(_a, da, "V");
        if (changed.Contains("V") && !IsEmptyValue(oldValue))
            return $"value of field {name} shown when signed ({Show(oldValue)}) was replaced by {Show(Inherited(_b, db, "V"))}: a visible change of signed content";
        if (changed.Contains("AS") && da.NameOf("AS") is { } state && state != "Off")
            return $"state of field {name} shown when signed (/{state}) was changed to /{db.NameOf("AS") ?? "none"}: a visible change of signed content";
        // Appearance changed while the value stayed empty: nothing a viewer would regenerate it from, so what it drew
        // over the page when signed (e.g. an opaque box hiding text) is gone or different.
        if (changed.Contains("AP") && !changed.Contains("V") && IsEmptyValue(oldValue) && DrawsSomething(_a, da))
            return $"appearance of field {name}, which has no value, differs from what it showed when signed: a visible change of signed content";
        return null;
    }

    private static PdfObject? Inherited(ValueHasher h, PdfDictionary? d, string key)
    {
        for (int depth = 0; d is not null && depth < 32; depth++)
        {
            if (d[key] is { } v) return h.Resolve(v);
            d = h.Resolve(d["Parent"]) as PdfDictionary;
        }
        return null;
    }

    private static bool IsEmptyValue(PdfObject? v) => v switch
    {
        null or PdfNull => true,
        PdfString s => s.Bytes.Length == 0 || s.Bytes is [0xFE, 0xFF],
        PdfName n => n.Value == "Off",
        PdfArray a => a.Items.Count == 0,
        _ => false,
    };

    private static string Show(PdfObject? v) => v switch
    {
        PdfString s => $"'{s.Text()}'",
        PdfName n => "/" + n.Value,
        null => "nothing",
        _ => v.Canonical(),
    };

    private bool DrawsSomething(ValueHasher h, PdfDictionary widget)
    {
        if (h.Resolve(widget["AP"]) is not PdfDictionary ap) return false;
        var normal = ap["N"];
        if (h.Resolve(normal) is PdfDictionary states && h.Indirect(normal) is not { IsStream: true })
            normal = widget.NameOf("AS") is { } s ? states[s] : states.Values.FirstOrDefault();
        if (h.Indirect(normal) is not { IsStream: true } stream) return false;
        var content = _doc.StreamData(stream, 1024 * 1024);
        if (content is null) return true;
        var text = Encoding.Latin1.GetString(content);
        // Marked-content brackets and an empty text object draw nothing.
        var stripped = text.Replace("/Tx BMC", "").Replace("EMC", "").Replace("BT", "").Replace("ET", "");
        return stripped.Trim().Length > 0;
    }

    private void Annotations(PdfObject? a, PdfObject? b)
    {
        var la = (_a.Resolve(a) as PdfArray)?.Items ?? [];
        var lb = (_b.Resolve(b) as PdfArray)?.Items ?? [];
        var numbersA = la.OfType<PdfReference>().Select(r => r.Number).ToHashSet();
        var numbersB = lb.OfType<PdfReference>().Select(r => r.Number).ToHashSet();
        foreach (var r in lb.OfType<PdfReference>())
        {
            bool isNew = !numbersA.Contains(r.Number) || _a.Resolve(r) is null;
            var d = _b.Resolve(r) as PdfDictionary;
            bool widget = d?.NameOf("Subtype") == "Widget" || d?["FT"] is not null;
            if (widget)
            {
                if (_reported.Contains(r.Number)) continue;
                if (isNew) FieldAdded(r, ParentName(_b, d));
                else Field(r, r, ParentName(_a, _a.Resolve(r) as PdfDictionary));
                continue;
            }
            if (isNew)
                Report(r.Number, "annotation", _annotationsAllowed, $"page {_pageNumber}: annotation added (object {r.Number}{(d?.NameOf("Subtype") is { } st ? ", /" + st : "")})" + (_annotationsAllowed ? "" : $"; DocMDP P={_p} forbids it"));
            else if (!Same(r, r))
                Report(r.Number, "annotation", _annotationsAllowed, $"page {_pageNumber}: annotation changed (object {r.Number}{(d?.NameOf("Subtype") is { } st2 ? ", /" + st2 : "")})" + (_annotationsAllowed ? "" : $"; DocMDP P={_p} forbids it"));
        }
        foreach (var r in la.OfType<PdfReference>().Where(r => !numbersB.Contains(r.Number)))
        {
            var d = _a.Resolve(r) as PdfDictionary;
            bool widget = d?.NameOf("Subtype") == "Widget" || d?["FT"] is not null;
            Report(r.Number, widget ? "form-field" : "annotation", !widget && _annotationsAllowed,
                $"page {_pageNumber}: {(widget ? "form field widget" : "annotation")} removed (object {r.Number})");
        }
        if (!Same(new PdfArray(la.Where(i => i is not PdfReference).ToList()), new PdfArray(lb.Where(i => i is not PdfReference).ToList())))
            Report(0, "annotation", _annotationsAllowed, $"page {_pageNumber}: annotations written directly into the page changed");
    }

    private static string ParentName(ValueHasher h, PdfDictionary? d)
    {
        var parts = new List<string>();
        var p = h.Resolve(d?["Parent"]) as PdfDictionary;
        for (int depth = 0; p is not null && depth < 32; depth++)
        {
            if (p["T"] is PdfString t) parts.Insert(0, t.Text());
            p = h.Resolve(p["Parent"]) as PdfDictionary;
        }
        return string.Join('.', parts);
    }
}

/// <summary>
/// The fields a signature locks: from FieldMDP transforms in its /Reference array and from the /Lock dictionary of its
/// field (ISO 32000-1 12.8.2.4 and 12.7.4.5). /All locks every field, /Include the listed ones, /Exclude all but them.
/// </summary>
internal sealed record FieldLocks(IReadOnlyList<(string Action, IReadOnlyList<string> Fields)> Rules)
{
    public bool Locks(string field) => Rules.Any(r => r.Action switch
    {
        "All" => true,
        "Include" => r.Fields.Any(f => Covers(f, field)),
        "Exclude" => !r.Fields.Any(f => Covers(f, field)),
        _ => false,
    });

    /// <summary>A listed name also covers its descendants ("a.b" covers "a.b.c").</summary>
    private static bool Covers(string listed, string field) =>
        field == listed || field.StartsWith(listed + ".", StringComparison.Ordinal);

    public string Describe() => string.Join("; ", Rules.Select(r => r.Action == "All" ? "all fields" : $"{r.Action} {string.Join(", ", r.Fields)}"));

    public static FieldLocks? Of(PdfDocumentModel doc, PdfDictionary signature, PdfDictionary? field, Dictionary<int, PdfIndirect> objects)
    {
        var rules = new List<(string, IReadOnlyList<string>)>();
        if (doc.Resolve(signature["Reference"], objects) is PdfArray refs)
            foreach (var r in refs.Items)
                if (doc.Resolve(r, objects) is PdfDictionary rd && rd.NameOf("TransformMethod") == "FieldMDP"
                    && doc.Resolve(rd["TransformParams"], objects) is PdfDictionary tp && Rule(doc, tp, objects) is { } rule)
                    rules.Add(rule);
        if (field is not null && doc.Resolve(field["Lock"], objects) is PdfDictionary lockDict && Rule(doc, lockDict, objects) is { } locked)
            rules.Add(locked);
        return rules.Count == 0 ? null : new FieldLocks(rules);
    }

    private static (string, IReadOnlyList<string>)? Rule(PdfDocumentModel doc, PdfDictionary d, Dictionary<int, PdfIndirect> objects)
    {
        var action = d.NameOf("Action");
        if (action is not ("All" or "Include" or "Exclude")) return null;
        var fields = doc.Resolve(d["Fields"], objects) is PdfArray a ? a.Items.OfType<PdfString>().Select(f => f.Text()).ToList() : [];
        return (action, fields);
    }
}

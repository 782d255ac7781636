using System.Security.Cryptography;
using Signing.Validation.Pdf;

namespace Signing.Validation;

/// <summary>
/// Classifies what each revision after a signed one changed, by diffing the object sets of consecutive revision
/// prefixes. Permission follows ISO 32000-1 12.8.2.2 (DocMDP P=1/2/3); without a certification signature the
/// approval-signature defaults apply (form fill, annotations and further signatures allowed).
/// </summary>
internal sealed class ChangeAnalyzer(PdfDocumentModel doc)
{
    /// <param name="fieldLocks">FieldMDP locks of the signature (ISO 32000-1 12.8.2.4, 12.7.4.5 /Lock): a later fill of a locked field is not allowed.</param>
    public List<ChangeReport> ChangesAfter(int signedRevision, int? docMdpPermission, FieldLocks? fieldLocks = null)
    {
        var changes = new List<ChangeReport>();
        var dssObjects = doc.Dss(doc.Length).ObjectNumbers;
        var signedObjects = doc.ObjectsAt(doc.RevisionEnds[signedRevision - 1]);
        for (int rev = signedRevision + 1; rev <= doc.RevisionEnds.Count; rev++)
        {
            var before = doc.ObjectsAt(doc.RevisionEnds[rev - 2]);
            var after = doc.ObjectsAt(doc.RevisionEnds[rev - 1]);
            // A revision that adds a document timestamp needs a field for it; ISO 32000-2 12.8.2.2 allows that even under P=1.
            bool addsDocTimestamp = after.Any(kv => !before.ContainsKey(kv.Key) && kv.Value.Dict is { } sd
                && sd["ByteRange"] is not null && (sd.NameOf("Type") == "DocTimeStamp" || sd.NameOf("SubFilter") == "ETSI.RFC3161"));
            foreach (var (num, obj) in after.OrderBy(k => k.Key))
            {
                before.TryGetValue(num, out var old);
                if (old is not null && SameContent(old, obj)) continue;
                var (category, allowed, description) = Classify(num, old, obj, dssObjects, docMdpPermission);
                if (category is null) continue;
                // Locks bind the fields that existed when the signature was made; later fields are not theirs.
                if (allowed && category is "form-fill" or "form-field" && fieldLocks is not null && signedObjects.ContainsKey(num)
                    && FieldName(obj, after) is { } field && fieldLocks.Locks(field))
                {
                    allowed = false;
                    description += $"; field '{field}' is locked by the signature's FieldMDP ({fieldLocks.Describe()})";
                }
                if (addsDocTimestamp && category is "form" or "page-annotations" || addsDocTimestamp && category == "form-field" && old is null && obj.Dict?.NameOf("FT") == "Sig")
                    allowed = true;
                changes.Add(new ChangeReport(rev, num, category, allowed, description));
            }
        }
        long lastEnd = doc.RevisionEnds[^1];
        if (doc.Data.AsSpan((int)lastEnd, doc.Length - (int)lastEnd).ContainsAnyExcept(" \r\n\t\0"u8))
            changes.Add(new ChangeReport(doc.RevisionEnds.Count + 1, 0, "unstructured-bytes", false,
                $"{doc.Length - lastEnd} bytes appended after the last %%EOF are not covered by any signature"));
        return changes;
    }

    /// <summary>Fully qualified field name (ISO 32000-1 12.7.3.2): partial names /T of the field and its parents, joined by periods.</summary>
    private string? FieldName(PdfIndirect field, Dictionary<int, PdfIndirect> objects)
    {
        var parts = new List<string>();
        var d = field.Dict;
        for (int depth = 0; d is not null && depth < 32; depth++)
        {
            if (d["T"] is PdfString t) parts.Insert(0, t.Text());
            d = doc.Resolve(d["Parent"], objects) as PdfDict;
        }
        return parts.Count == 0 ? null : string.Join('.', parts);
    }

    private bool SameContent(PdfIndirect a, PdfIndirect b)
    {
        if (ReferenceEquals(a, b) || a.Offset == b.Offset && a.End == b.End && a.Number == b.Number) return true;
        if (a.Value.Canonical() != b.Value.Canonical() || a.IsStream != b.IsStream) return false;
        if (!a.IsStream) return true;
        return SHA256.HashData(doc.Data.AsSpan((int)a.StreamStart, (int)a.StreamLength))
            .AsSpan().SequenceEqual(SHA256.HashData(doc.Data.AsSpan((int)b.StreamStart, (int)b.StreamLength)));
    }

    private static (string? Category, bool Allowed, string Description) Classify(int num, PdfIndirect? old, PdfIndirect now, HashSet<int> dss, int? p)
    {
        var d = now.Dict;
        var type = d?.NameOf("Type");
        bool formFillAllowed = p is null or >= 2;
        bool annotationsAllowed = p is null or 3;
        if (type is "XRef" or "ObjStm") return (null, true, "");
        if (d?["ByteRange"] is not null)
        {
            bool isDocTs = type == "DocTimeStamp" || d.NameOf("SubFilter") == "ETSI.RFC3161";
            if (old is not null) return ("signature-modified", false, $"existing signature dictionary {num} was rewritten");
            return isDocTs ? ("document-timestamp", true, $"document timestamp added (object {num})")
                : ("signature", formFillAllowed, $"new signature added (object {num})" + (formFillAllowed ? "" : "; DocMDP P=1 forbids it"));
        }
        if (type is "DSS" or "VRI" || dss.Contains(num)) return ("dss", true, $"validation data (DSS) added or updated (object {num})");
        if (type == "Catalog")
        {
            if (old?.Dict is { } oc && oc.CanonicalExcept("AcroForm", "DSS") == d!.CanonicalExcept("AcroForm", "DSS"))
                return ("catalog", true, "document catalog updated only for form or DSS entries");
            return ("catalog", false, "document catalog changed beyond form/DSS entries (e.g. open action, outlines, permissions)");
        }
        if (type == "Pages") return ("pages", false, old is null ? "new page tree added" : $"page tree changed (object {num}): pages added, removed or reordered");
        if (type == "Page")
        {
            if (old?.Dict is { } op && op.CanonicalExcept("Annots") == d!.CanonicalExcept("Annots"))
                return ("page-annotations", formFillAllowed, $"list of annotations/fields on page object {num} changed");
            return ("page", false, old is null ? $"page added (object {num})" : $"page object {num} changed (content, resources or geometry)");
        }
        if (d is not null && (d["FT"] is not null || d.NameOf("Subtype") == "Widget" || d["Fields"] is not null))
        {
            if (d["Fields"] is not null) return ("form", formFillAllowed, $"form dictionary updated (object {num})");
            if (old is null) return ("form-field", formFillAllowed, $"form field added (object {num})");
            if (old.Dict is { } of && of.CanonicalExcept("V", "AS", "AP", "M") == d.CanonicalExcept("V", "AS", "AP", "M"))
                return ("form-fill", formFillAllowed, $"form field value filled in (object {num})");
            return ("form-field", false, $"form field definition changed (object {num})");
        }
        if (type == "Annot" || d?["Subtype"] is not null && d["Rect"] is not null)
            return ("annotation", annotationsAllowed, $"annotation {(old is null ? "added" : "changed")} (object {num})");
        if (type == "Metadata" || d is not null && (d["Producer"] is not null || d["ModDate"] is not null) && d["Type"] is null)
            return ("metadata", true, $"document metadata updated (object {num})");
        if (old is null)
            // A new object matters only through whoever references it; that referrer is judged on its own.
            return ("auxiliary-object", true, $"supporting object added (object {num}{(type is null ? "" : ", " + type)})");
        var what = now.IsStream ? "stream (e.g. page content or image)" : "object";
        return ("object", false, $"{what} {num}{(type is null ? "" : " of type " + type)} changed after signing");
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

    public static FieldLocks? Of(PdfDocumentModel doc, PdfDict signature, PdfDict? field, Dictionary<int, PdfIndirect> objects)
    {
        var rules = new List<(string, IReadOnlyList<string>)>();
        if (doc.Resolve(signature["Reference"], objects) is PdfArray refs)
            foreach (var r in refs.Items)
                if (doc.Resolve(r, objects) is PdfDict rd && rd.NameOf("TransformMethod") == "FieldMDP"
                    && doc.Resolve(rd["TransformParams"], objects) is PdfDict tp && Rule(doc, tp, objects) is { } rule)
                    rules.Add(rule);
        if (field is not null && doc.Resolve(field["Lock"], objects) is PdfDict lockDict && Rule(doc, lockDict, objects) is { } locked)
            rules.Add(locked);
        return rules.Count == 0 ? null : new FieldLocks(rules);
    }

    private static (string, IReadOnlyList<string>)? Rule(PdfDocumentModel doc, PdfDict d, Dictionary<int, PdfIndirect> objects)
    {
        var action = d.NameOf("Action");
        if (action is not ("All" or "Include" or "Exclude")) return null;
        var fields = doc.Resolve(d["Fields"], objects) is PdfArray a ? a.Items.OfType<PdfString>().Select(f => f.Text()).ToList() : [];
        return (action, fields);
    }
}

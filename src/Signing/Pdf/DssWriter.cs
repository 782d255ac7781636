using System.Security.Cryptography;

namespace Signing.Pdf;

/// <summary>Adds or extends the Document Security Store (/DSS) in its own incremental update (ISO 32000-2 §12.8.4.3).</summary>
internal static class DssWriter
{
    public static byte[] Append(byte[] file, IEnumerable<byte[]> certs, IEnumerable<byte[]> ocsps, IEnumerable<byte[]> crls)
    {
        var doc = new PdfDocumentReader(file);
        var update = new IncrementalUpdate(doc);
        var catalog = doc.Catalog.Copy();
        var dss = (doc.Resolve(catalog["DSS"]) as PdfDictionary)?.Copy() ?? new PdfDictionary();
        Merge(doc, update, dss, "Certs", certs);
        Merge(doc, update, dss, "OCSPs", ocsps);
        Merge(doc, update, dss, "CRLs", crls);
        if (catalog["DSS"] is PdfReference dssRef) update.Replace(dssRef.Number, dss);
        else update.Replace(doc.RootReference.Number, catalog.Set("DSS", update.Add(dss)));
        return update.Build().File;
    }

    private static void Merge(PdfDocumentReader doc, IncrementalUpdate update, PdfDictionary dss, string key, IEnumerable<byte[]> items)
    {
        var list = doc.Resolve(dss[key]) is PdfArray a ? new List<PdfObject>(a.Items) : new List<PdfObject>();
        var known = new HashSet<string>();
        foreach (var r in list)
            if (doc.Resolve(r) is PdfStream s) known.Add(Convert.ToHexString(SHA256.HashData(doc.DecodeStream(s))));
        foreach (var item in items)
            if (known.Add(Convert.ToHexString(SHA256.HashData(item))))
                list.Add(update.Add(new PdfStream(new PdfDictionary(), item)));
        if (list.Count > 0) dss.Set(key, new PdfArray(list));
    }
}

using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace Archive.Api.Tests.Support;

/// <summary>
/// Small PDFs shaped like scans: one page <c>pageInches</c> wide holding one raw image
/// XObject, so dpi = pixel width / page width without megabyte-sized test files.
/// </summary>
public static class PdfSamples
{
    public static byte[] Scan(int pixelWidth, bool color, double pageInches = 1, int version = 17, string? pdfA = null, byte fill = 0x80)
    {
        var doc = new PdfDocument();
        doc.Version = version;
        var page = doc.AddPage();
        page.Width = PdfSharp.Drawing.XUnit.FromInch(pageInches);
        page.Height = PdfSharp.Drawing.XUnit.FromInch(pageInches);
        const int height = 4;
        var image = new PdfDictionary(doc);
        image.Elements.SetName("/Type", "/XObject");
        image.Elements.SetName("/Subtype", "/Image");
        image.Elements.SetInteger("/Width", pixelWidth);
        image.Elements.SetInteger("/Height", height);
        image.Elements.SetName("/ColorSpace", color ? "/DeviceRGB" : "/DeviceGray");
        image.Elements.SetInteger("/BitsPerComponent", 8);
        image.CreateStream(Enumerable.Repeat(fill, pixelWidth * height * (color ? 3 : 1)).ToArray());
        doc.Internals.AddObject(image);
        var xobjects = new PdfDictionary(doc);
        xobjects.Elements["/Im0"] = image.Reference;
        page.Resources.Elements["/XObject"] = xobjects;
        if (pdfA is not null)
        {
            var xmp = $"""
                <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>{pdfA[0]}</pdfaid:part><pdfaid:conformance>{pdfA[1..]}</pdfaid:conformance></rdf:Description>
                </rdf:RDF></x:xmpmeta><?xpacket end="w"?>
                """;
            var meta = new PdfDictionary(doc);
            meta.Elements.SetName("/Type", "/Metadata");
            meta.Elements.SetName("/Subtype", "/XML");
            meta.CreateStream(Encoding.UTF8.GetBytes(xmp));
            doc.Internals.AddObject(meta);
            doc.Internals.Catalog.Elements["/Metadata"] = meta.Reference;
        }
        using var ms = new MemoryStream();
        doc.Save(ms);
        return pdfA is null ? ms.ToArray() : PointCatalogAtOwnXmp(ms.ToArray());
    }

    // PDFsharp writes its own XMP packet at save and points the catalog at it. Re-point the
    // catalog to ours; object numbers have the same digit count, so xref offsets stay valid.
    private static byte[] PointCatalogAtOwnXmp(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var ours = text.IndexOf("pdfaid:part", StringComparison.Ordinal);
        var objStart = text.LastIndexOf(" 0 obj", ours, StringComparison.Ordinal);
        var lineStart = text.LastIndexOf('\n', objStart) + 1;
        var ourNumber = text[lineStart..objStart];
        var catalog = System.Text.RegularExpressions.Regex.Match(text, @"/Metadata (\d+) 0 R");
        if (catalog.Groups[1].Value.Length != ourNumber.Length) throw new InvalidOperationException("Object numbers differ in length.");
        var fixedText = text[..catalog.Groups[1].Index] + ourNumber + text[(catalog.Groups[1].Index + ourNumber.Length)..];
        return Encoding.Latin1.GetBytes(fixedText);
    }

    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1];
    public static readonly byte[] Tiff = [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0];
    public static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 8, 0];
}

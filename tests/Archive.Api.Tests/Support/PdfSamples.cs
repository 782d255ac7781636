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
        PdfSharp.PdfSharpLicense.SetAgplLicense();
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
        return ms.ToArray();
    }

    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1];
    public static readonly byte[] Tiff = [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0];
    public static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 8, 0];
}

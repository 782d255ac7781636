using System.Globalization;
using System.Text;
using Signing.Pdf;

namespace Signing.Appearance;

/// <summary>
/// Writes the visible signature's appearance stream and its font into an incremental update.
/// The font goes in as CIDFontType2 / Identity-H with the whole TrueType program and a ToUnicode
/// CMap, so any Vietnamese text renders and extracts exactly.
/// </summary>
internal static class AppearanceWriter
{
    private const double Mm = 72 / 25.4;
    private const double LineHeight = 1.15;

    public static (double[] Rect, PdfReference Stream) Write(IncrementalUpdate update, PageInfo page, IReadOnlyList<string> lines, SignatureAppearance look)
    {
        if (!File.Exists(look.FontPath)) throw new FileNotFoundException($"Signature font not found: {look.FontPath}", look.FontPath);
        var font = new TrueTypeFont(File.ReadAllBytes(look.FontPath));
        var size = look.FontSize;

        var encoded = new List<(ushort[] Glyphs, double Width)>();
        var used = new SortedDictionary<ushort, string>();
        foreach (var raw in lines)
        {
            var text = raw.Normalize(NormalizationForm.FormC);
            var glyphs = new List<ushort>();
            var width = 0.0;
            foreach (var rune in text.EnumerateRunes())
            {
                if (!font.TryGetGlyph(rune.Value, out var g))
                    throw new ArgumentException($"The signature font has no glyph for U+{rune.Value:X4}.");
                glyphs.Add(g);
                used.TryAdd(g, rune.ToString());
                width += font.Advance1000(g) * size / 1000;
            }
            encoded.Add((glyphs.ToArray(), width));
        }

        const double pad = 2;
        var textWidth = encoded.Count == 0 ? 0 : encoded.Max(e => e.Width);
        var w = Math.Ceiling(textWidth + 2 * pad);
        var h = Math.Ceiling(lines.Count * size * LineHeight + 2 * pad);
        // Right edge on the text block's right margin (15 mm), top 5 mm below the page edge:
        // with three lines the box ends about 19 mm from the top, inside the standard 20 mm top margin.
        var box = page.Box;
        var x2 = box[2] - 15 * Mm;
        var y2 = box[3] - 5 * Mm;
        double[] rect = [Round(x2 - w), Round(y2 - h), Round(x2), Round(y2)];

        var content = new StringBuilder();
        content.Append("q BT /F1 ").Append(F(size)).Append(" Tf 0 g\n");
        for (var i = 0; i < encoded.Count; i++)
        {
            var (glyphs, lineWidth) = encoded[i];
            var x = w - pad - lineWidth;
            var y = h - pad - (i + 1) * size * LineHeight + (LineHeight - 1) * size;
            content.Append("1 0 0 1 ").Append(F(x)).Append(' ').Append(F(y)).Append(" Tm <");
            foreach (var g in glyphs) content.Append(g.ToString("X4", CultureInfo.InvariantCulture));
            content.Append("> Tj\n");
        }
        content.Append("ET Q");

        var fontRef = WriteFont(update, font, used);
        var xobject = new PdfDictionary()
            .Set("Type", new PdfName("XObject"))
            .Set("Subtype", new PdfName("Form"))
            .Set("BBox", new PdfArray(new PdfNumber(0), new PdfNumber(0), PdfNumber.Of(w), PdfNumber.Of(h)))
            .Set("Resources", new PdfDictionary().Set("Font", new PdfDictionary().Set("F1", fontRef)))
            .Set("Filter", new PdfName("FlateDecode"));
        var stream = update.Add(new PdfStream(xobject, StreamDecoder.Deflate(Encoding.ASCII.GetBytes(content.ToString()))));
        return (rect, stream);
    }

    private static PdfReference WriteFont(IncrementalUpdate update, TrueTypeFont font, SortedDictionary<ushort, string> used)
    {
        var program = TrueTypeSubsetter.Subset(font.Data, used.Keys);
        var fontFile = update.Add(new PdfStream(
            new PdfDictionary().Set("Length1", new PdfNumber(program.Length)).Set("Filter", new PdfName("FlateDecode")),
            StreamDecoder.Deflate(program)));
        double Scale(int v) => Math.Round(v * 1000.0 / font.UnitsPerEm);
        var baseFont = SubsetTag(used.Keys) + "+LiberationSerif";
        var descriptor = update.Add(new PdfDictionary()
            .Set("Type", new PdfName("FontDescriptor"))
            .Set("FontName", new PdfName(baseFont))
            .Set("Flags", new PdfNumber(34))
            .Set("FontBBox", new PdfArray(font.BBox.Select(v => (PdfObject)PdfNumber.Of(Scale(v))).ToList()))
            .Set("ItalicAngle", new PdfNumber(0))
            .Set("Ascent", PdfNumber.Of(Scale(font.Ascent)))
            .Set("Descent", PdfNumber.Of(Scale(font.Descent)))
            .Set("CapHeight", PdfNumber.Of(Scale(font.CapHeight)))
            .Set("StemV", new PdfNumber(80))
            .Set("FontFile2", fontFile));

        var widths = new PdfArray();
        foreach (var g in used.Keys)
        {
            widths.Items.Add(new PdfNumber(g));
            widths.Items.Add(new PdfArray(new PdfNumber(font.Advance1000(g))));
        }
        var cidFont = update.Add(new PdfDictionary()
            .Set("Type", new PdfName("Font"))
            .Set("Subtype", new PdfName("CIDFontType2"))
            .Set("BaseFont", new PdfName(baseFont))
            .Set("CIDSystemInfo", new PdfDictionary()
                .Set("Registry", PdfString.FromText("Adobe"))
                .Set("Ordering", PdfString.FromText("Identity"))
                .Set("Supplement", new PdfNumber(0)))
            .Set("FontDescriptor", descriptor)
            .Set("CIDToGIDMap", new PdfName("Identity"))
            .Set("DW", new PdfNumber(1000))
            .Set("W", widths));

        var toUnicode = update.Add(new PdfStream(new PdfDictionary(), Encoding.ASCII.GetBytes(ToUnicodeCMap(used))));
        return update.Add(new PdfDictionary()
            .Set("Type", new PdfName("Font"))
            .Set("Subtype", new PdfName("Type0"))
            .Set("BaseFont", new PdfName(baseFont))
            .Set("Encoding", new PdfName("Identity-H"))
            .Set("DescendantFonts", new PdfArray(cidFont))
            .Set("ToUnicode", toUnicode));
    }

    /// <summary>Six capital letters derived from the glyph set, as ISO 32000 requires for subset font names.</summary>
    private static string SubsetTag(IEnumerable<ushort> glyphs)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(glyphs.SelectMany(BitConverter.GetBytes).ToArray());
        return new string(hash.Take(6).Select(b => (char)('A' + b % 26)).ToArray());
    }

    private static string ToUnicodeCMap(SortedDictionary<ushort, string> used)
    {
        var sb = new StringBuilder();
        sb.Append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
          .Append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
          .Append("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
          .Append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        foreach (var chunk in used.Chunk(100))
        {
            sb.Append(chunk.Length).Append(" beginbfchar\n");
            foreach (var (g, s) in chunk)
            {
                sb.Append('<').Append(g.ToString("X4", CultureInfo.InvariantCulture)).Append("> <");
                foreach (var c in s) sb.Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                sb.Append(">\n");
            }
            sb.Append("endbfchar\n");
        }
        sb.Append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        return sb.ToString();
    }

    private static double Round(double v) => Math.Round(v, 2);
    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

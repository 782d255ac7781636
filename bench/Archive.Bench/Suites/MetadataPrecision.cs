using System.Globalization;
using System.Text.RegularExpressions;
using Archive.Api.Features.Digitization;
using Archive.Domain.Documents;
using Archive.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using Signing.Validation;

namespace Archive.Bench.Suites;

/// <summary>
/// Bóc tách thông tin: precision and recall of the fields <see cref="MetadataProposals"/> reads from the OCR text of a first
/// page laid out as NĐ 30/2020 Phụ lục I prescribes (issuer block and national motto side by side, number beside place and
/// date, type name and subject centred, signer block bottom right). The pages are the seeds' own documents: each seed's
/// opening text as its first page, with the facts the seed itself gives for the parts its extracted text lost (the header
/// and signature blocks: 000:629 and 000:635, 002:347-352, 003:141-150, 004:89-96; seeds-digest §1). Rendered to 200 dpi
/// colour JPEG like <see cref="ScanMaker"/>, read by the pipeline's own OCR (ocrmypdf + tesseract vie). A field is right when
/// the proposal equals the truth (case, spacing and dash style aside); a proposal for a field the page does not have is wrong.
/// </summary>
public static class MetadataPrecision
{
    public static readonly string[] FieldNames =
        ["codeNumber", "codeNotation", "typeCode", "place", "issuedDate", "issuer", "subject", "signerPosition", "signerName"];

    /// <summary>A seed's first page: what is printed where, and so what the truth is.</summary>
    private sealed record Page(string Seed, string[] Issuer, string? Number, string? Place, DateOnly? Date, string Type, string Subject,
        string[] SignerPosition, string? SignerName)
    {
        public Dictionary<string, string> Truth()
        {
            var t = new Dictionary<string, string>
            {
                ["issuer"] = string.Join(' ', Issuer),
                ["typeCode"] = Archive.Domain.CodeLists.CodeLists.DocumentTypes.Entries.First(e => e.NameVi.ToUpperInvariant() == Type).Code,
                ["subject"] = Subject,
            };
            if (Number is { } n) { t["codeNumber"] = n.Split('/')[0]; t["codeNotation"] = n.Split('/', 2)[1]; }
            if (Place is { } p) t["place"] = p;
            if (Date is { } d) t["issuedDate"] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (SignerPosition.Length > 0) t["signerPosition"] = string.Join(' ', SignerPosition);
            if (SignerName is { } s) t["signerName"] = s;
            return t;
        }
    }

    private static readonly Page[] Pages =
    [
        new("000", ["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"], "1437/KH-UBND", "Lai Châu", new(2019, 7, 23), "KẾ HOẠCH",
            "Thực hiện Chương trình mục tiêu Công nghệ thông tin của tỉnh Lai Châu năm 2020", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Trần Tiến Dũng"),
        // The Đề án was issued with Decision 331/QĐ-UBND (001:689-691): its own first page has no number, date or signer.
        new("001", ["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"], null, null, null, "ĐỀ ÁN",
            "Đẩy mạnh ứng dụng, phát triển công nghệ thông tin đáp ứng yêu cầu phát triển bền vững và hội nhập quốc tế tỉnh Lai Châu giai đoạn 2015 - 2020",
            [], null),
        new("002", ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"], "391/KH-UBND", "Lào Cai", new(2016, 12, 30), "KẾ HOẠCH",
            "Triển khai thực hiện Đề án Phát triển công nghệ thông tin tỉnh Lào Cai, giai đoạn 2017-2020 và năm 2017 trong các cơ quan nhà nước",
            ["TM. ỦY BAN NHÂN DÂN TỈNH", "CHỦ TỊCH"], "Đặng Xuân Phong"),
        new("003", ["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH"], "1644/KH-UBND", "Tây Ninh", new(2019, 8, 7), "KẾ HOẠCH",
            "Thực hiện Chương trình mục tiêu công nghệ thông tin năm 2020", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Nguyễn Thanh Ngọc"),
        new("004", ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"], "3055/QĐ-UBND", "Lào Cai", new(2018, 10, 2), "QUYẾT ĐỊNH",
            "Phê duyệt Kiến trúc Chính quyền điện tử tỉnh Lào Cai", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Đặng Xuân Thanh"),
    ];

    /// <summary>Renders, reads and scores the seeds' first pages; prints per-field and overall figures. Returns (precision, recall).</summary>
    public static async Task<(double Precision, double Recall)> MeasureAsync()
    {
        var seeds = Environment.GetEnvironmentVariable("ARCHIVE_BENCH_SEEDS") is { Length: > 0 } configured
            ? configured : Path.Combine(RepoRoot.Find(), "..", "shared", "seeds");
        var ocr = new OcrEngine(NullLogger<OcrEngine>.Instance);
        var work = Directory.CreateTempSubdirectory("archive-bench-metadata-").FullName;
        var proposed = FieldNames.ToDictionary(f => f, _ => 0);
        var right = FieldNames.ToDictionary(f => f, _ => 0);
        var present = FieldNames.ToDictionary(f => f, _ => 0);
        try
        {
            foreach (var page in Pages)
            {
                var file = Directory.GetFiles(seeds, $"{page.Seed}_*.txt").Single();
                var body = Body(File.ReadAllLines(file), page);
                var jpeg = Path.Combine(work, $"{page.Seed}.jpg");
                await File.WriteAllBytesAsync(jpeg, ScanMaker.JpegOf(Render(page, body)));
                var dir = Directory.CreateDirectory(Path.Combine(work, page.Seed)).FullName;
                var read = await ocr.ConvertAsync(jpeg, dir, TimeSpan.FromMinutes(5), CancellationToken.None);
                var fields = MetadataProposals.Propose(read.PageTexts[0], read.Pages[0].MeanConfidence).ToDictionary(f => f.Field, f => f.Value);
                var truth = page.Truth();
                foreach (var f in FieldNames)
                {
                    if (truth.ContainsKey(f)) present[f]++;
                    if (!fields.TryGetValue(f, out var value)) continue;
                    proposed[f]++;
                    var ok = truth.TryGetValue(f, out var expected) && Same(value, expected);
                    if (ok) right[f]++;
                    else Console.WriteLine($"# metadata {page.Seed} {f}: proposed \"{value}\", truth {(expected is null ? "(none on the page)" : $"\"{expected}\"")}");
                }
                foreach (var f in truth.Keys.Where(k => !fields.ContainsKey(k)))
                    Console.WriteLine($"# metadata {page.Seed} {f}: not proposed, truth \"{truth[f]}\"");
            }
        }
        finally { try { Directory.Delete(work, true); } catch (IOException) { } }

        foreach (var f in FieldNames)
        {
            Report.Figure($"digitize_metadata_precision_{f}", proposed[f] == 0 ? 0 : (double)right[f] / proposed[f], "ratio");
            Report.Figure($"digitize_metadata_recall_{f}", present[f] == 0 ? 0 : (double)right[f] / present[f], "ratio");
        }
        double precision = (double)right.Values.Sum() / Math.Max(1, proposed.Values.Sum()), recall = (double)right.Values.Sum() / Math.Max(1, present.Values.Sum());
        Console.WriteLine($"digitize metadata: {right.Values.Sum()} right of {proposed.Values.Sum()} proposed, {present.Values.Sum()} on {Pages.Length} pages");
        Report.Figure("digitize_metadata_precision", precision, "ratio");
        Report.Figure("digitize_metadata_recall", recall, "ratio");
        return (precision, recall);
    }

    /// <summary>Equal but for case, spacing, dash style and a final full stop.</summary>
    public static bool Same(string a, string b) => Normal(a) == Normal(b);

    private static string Normal(string s) =>
        Regex.Replace(Regex.Replace(s.Replace('–', '-').Replace('—', '-'), @"\s*-\s*", "-"), @"\s+", " ").Trim().TrimEnd('.', ';', ',').ToLower(CultureInfo.GetCultureInfo("vi-VN"));

    /// <summary>The seed's opening paragraphs after its title lines (about a third of a page).</summary>
    private static List<string> Body(string[] lines, Page page)
    {
        var text = lines.Select(l => l.Replace('\u00A0', ' ').Replace('\t', ' ').Trim()).Where(l => l.Length > 40).ToList();
        var start = text.FindIndex(l => l.StartsWith("Căn cứ", StringComparison.Ordinal) || l.StartsWith("Thực hiện", StringComparison.Ordinal) && l.Length > 150
            || l.StartsWith("Sau gần", StringComparison.Ordinal));
        var body = new List<string>();
        foreach (var l in text.Skip(Math.Max(0, start)))
        {
            if (body.Sum(b => b.Length) > 900) break;
            body.Add(l);
        }
        return body;
    }

    /// <summary>An A4 first page in the Phụ lục I layout (Times-like Liberation Serif, 13 pt body).</summary>
    private static byte[] Render(Page p, List<string> body)
    {
        PdfReportRenderer.UseLiberationSerif();
        using var doc = PdfReportRenderer.NewDocument();
        var page = doc.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        using var gfx = XGraphics.FromPdfPage(page);
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
        XFont Font(double size, XFontStyleEx style = XFontStyleEx.Regular) => new("Liberation Serif", size, style, options);
        var formatter = new XTextFormatter(gfx);
        double left = XUnit.FromMillimeter(30).Point, right = page.Width.Point - XUnit.FromMillimeter(20).Point, width = right - left;
        double split = left + width * 0.4;
        void Centre(string text, XFont font, double x0, double x1, double y) =>
            gfx.DrawString(text, font, XBrushes.Black, new XRect(x0, y, x1 - x0, font.Size * 1.3), XStringFormats.TopCenter);

        var y = XUnit.FromMillimeter(20).Point;
        for (var i = 0; i < p.Issuer.Length; i++) Centre(p.Issuer[i], Font(12.5, i == p.Issuer.Length - 1 ? XFontStyleEx.Bold : XFontStyleEx.Regular), left - 20, split, y + i * 17);
        Centre("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Font(12.5, XFontStyleEx.Bold), split, right + 10, y);
        Centre("Độc lập - Tự do - Hạnh phúc", Font(13.5, XFontStyleEx.Bold), split, right + 10, y + 17);
        y += 17 * Math.Max(2, p.Issuer.Length) + 14;
        if (p.Number is { } number) Centre($"Số: {number}", Font(13), left - 20, split, y);
        if (p.Place is { } place && p.Date is { } date)
            Centre($"{place}, ngày {date.Day:00} tháng {date.Month} năm {date.Year}", Font(13.5, XFontStyleEx.Italic), split, right + 10, y);
        y += 40;
        Centre(p.Type, Font(14, XFontStyleEx.Bold), left, right, y);
        y += 20;
        var subject = Font(14, XFontStyleEx.Bold);
        var subjectLines = Wrap(gfx, p.Subject, subject, width * 0.8);
        foreach (var line in subjectLines) { Centre(line, subject, left, right, y); y += 19; }
        y += 16;
        var font = Font(13);
        foreach (var para in body)
        {
            var lines = Wrap(gfx, para, font, width);
            formatter.DrawString(string.Join('\n', lines), font, XBrushes.Black, new XRect(left, y, width, lines.Count * 17 + 4), XStringFormats.TopLeft);
            y += lines.Count * 17 + 8;
        }
        if (p.SignerName is not null)
        {
            y = Math.Max(y + 30, XUnit.FromMillimeter(215).Point);
            foreach (var position in p.SignerPosition) { Centre(position, Font(13.5, XFontStyleEx.Bold), split + 20, right, y); y += 18; }
            y += 60; // the signature and seal
            Centre(p.SignerName, Font(13.5, XFontStyleEx.Bold), split + 20, right, y);
        }
        using var ms = new MemoryStream();
        doc.Save(ms, false);
        return ms.ToArray();
    }

    private static List<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && gfx.MeasureString(next, font).Width > width) { lines.Add(line); line = word; }
            else line = next;
        }
        if (line.Length > 0) lines.Add(line);
        return lines;
    }
}

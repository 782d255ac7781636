using System.Net;
using System.Text;
using System.Text.Json;

namespace Signing.Validation;

/// <summary>Renders a report for machines (JSON with stable camelCase property names) and for people (bilingual HTML).</summary>
public static class ReportRenderer
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Keep Vietnamese readable in the JSON; HTML-sensitive characters are still escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static string ToJson(ValidationReport report) => JsonSerializer.Serialize(report, Json);

    public static ValidationReport? FromJson(string json) => JsonSerializer.Deserialize<ValidationReport>(json, Json);

    public static string ToHtml(ValidationReport report)
    {
        static string E(object? v) => WebUtility.HtmlEncode(v?.ToString() ?? "—");
        static string Colour(Indication i) => i switch { Indication.TOTAL_PASSED => "#1b7f3b", Indication.TOTAL_FAILED => "#b00020", _ => "#b26a00" };
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Báo cáo xác thực chữ ký / Signature validation report</title>")
          .Append("<style>body{font-family:'Liberation Serif',serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}.ind{font-weight:bold}</style></head><body>");
        sb.Append("<h1>Báo cáo xác thực chữ ký<br><small>Signature validation report</small></h1>");
        sb.Append($"<p>Thời điểm xác thực / Validation time: {E(report.ValidationTime.ToString("u"))}<br>SHA-256: <code>{E(report.DocumentSha256)}</code><br>Số phiên bản / Revisions: {report.RevisionCount}</p>");
        sb.Append($"<h2>Kết luận / Verdict: <span class=\"ind\" style=\"color:{Colour(report.DocumentIndication)}\">{E(report.DocumentIndication)}</span> {(report.DocumentSubIndication == SubIndication.NONE ? "" : E(report.DocumentSubIndication))}</h2>");
        sb.Append($"<p lang=\"vi\">{E(report.Explanation.Vi)}</p><p lang=\"en\">{E(report.Explanation.En)}</p>");
        if (report.VerifiableUntil is { } until)
            sb.Append($"<p>Cần dấu thời gian tài liệu mới trước / A new document timestamp is due before: {E(until.ToString("u"))}</p>");
        foreach (var p in report.Problems) sb.Append($"<p>⚠ {E(p)}</p>");
        int i = 0;
        foreach (var s in report.Signatures)
        {
            sb.Append($"<h3>#{++i} {E(s.FieldName)} ({E(s.Kind)})</h3><table>");
            Row("Kết quả / Indication", $"<span class=\"ind\" style=\"color:{Colour(s.Indication)}\">{E(s.Indication)}</span> {(s.SubIndication == SubIndication.NONE ? "" : E(s.SubIndication))}");
            Row("Người ký / Signer", E(s.Signer));
            Row("Thời điểm ký / Signing time", $"{E(s.SigningTime?.ToString("u"))} ({E(s.SigningTimeProof switch { SigningTimeProof.Timestamp => "chứng minh bằng dấu thời gian / proven by timestamp", SigningTimeProof.Claimed => "chỉ do người ký khai / only claimed by the signer", _ => "không có / none" })})");
            Row("Mức / Level", E(s.Level));
            Row("Phiên bản được ký / Revision covered", $"{s.Revision} / {report.RevisionCount}{(s.CoversWholeDocument ? "" : " — không bao phủ toàn bộ tệp / does not cover the whole file")}");
            Row("Giải thích / Explanation", $"<p lang=\"vi\">{E(s.Explanation.Vi)}</p><p lang=\"en\">{E(s.Explanation.En)}</p>");
            if (s.ChangesAfterSigning.Count > 0)
                Row("Thay đổi sau khi ký / Changes after signing", "<ul>" + string.Concat(s.ChangesAfterSigning.Select(c => $"<li>{(c.Allowed ? "✔ được phép / allowed" : "✘ không được phép / not allowed")}: {E(c.Description)}</li>")) + "</ul>");
            Row("Kiểm tra / Checks", "<ul>" + string.Concat(s.Checks.Select(c => $"<li>{E(c)}</li>")) + "</ul>");
            sb.Append("</table>");
        }
        sb.Append("</body></html>");
        return sb.ToString();

        void Row(string label, string html) => sb.Append($"<tr><th>{label}</th><td>{html}</td></tr>");
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Archive.Domain.Common;

namespace Archive.Domain.Documents;

/// <summary>One field read from the page (bóc tách thông tin): its value and how sure the reading is (0-1).</summary>
public sealed record ProposedField(string Field, string Value, double Confidence);

/// <summary>Metadata read from a digitized document's first page, for an officer to confirm or correct.</summary>
[EventType("document.metadata.proposed.v1")]
public sealed record DocumentMetadataProposed(string DocumentId, string JobId, IReadOnlyList<ProposedField> Fields) : IDomainEvent;

/// <summary>What the officer kept of a proposal (the rest was rejected or corrected); the metadata change follows it.</summary>
[EventType("document.metadata.proposal.reviewed.v1")]
public sealed record DocumentMetadataProposalReviewed(string DocumentId, string JobId, IReadOnlyList<ProposedField> Proposed,
    IReadOnlyDictionary<string, string> Kept, string ReviewedBy) : IDomainEvent;

/// <summary>
/// Reads the fields of an administrative document laid out as NĐ 30/2020 Phụ lục I prescribes from its OCR text: issuer
/// block (box 1-2, upper case, top left), "Số: 12/QĐ-UBND" (box 3), "Lai Châu, ngày 23 tháng 7 năm 2019" (box 4), the
/// type name in capitals (box 5a) with its subject line, or "V/v …" for a letter (box 5b), and the signer's position and name
/// (box 7). Each field's confidence combines how strict the match was with the page's OCR confidence.
/// </summary>
public static partial class MetadataProposals
{
    [GeneratedRegex(@"S[ốo6]\s*[:;.]?\s*(\d{1,6})\s*/\s*([\p{Lu}Đ0-9]+(?:\s*-\s*[\p{Lu}Đ0-9]+)*)")]
    private static partial Regex NumberNotation();

    [GeneratedRegex(@"(\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+){0,3})\s*,\s*(?i:ngày)\s*(\d{1,2})\s*(?i:tháng)\s*(\d{1,2})\s*(?i:năm)\s*(\d{4})")]
    private static partial Regex PlaceDate();

    [GeneratedRegex(@"^\s*V/v\s*[:.]?\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex LetterSubject();

    private static readonly string[] Motto = ["CỘNG HÒA", "CỘNG HOÀ", "ĐỘC LẬP", "Độc lập"];

    /// <summary>The national motto as OCR may misread it ("GỘNG HÒA XÃ HỘI CHỦ NGHĨA"): cut from the word before "XÃ HỘI CHỦ NGHĨA".</summary>
    [GeneratedRegex(@"(?:\S+\s+)?(?:H\S{1,3}\s+)?X[AÃÀ]\s+H\S{1,2}I\s+CH\S{1,2}\s+NGH.*$|\S*\s*[ĐD][ộôO]c\s+l[ậaâ]p\s*-.*$", RegexOptions.IgnoreCase)]
    private static partial Regex MottoAsRead();
    private static readonly string[] Positions = ["CHỦ TỊCH", "GIÁM ĐỐC", "TRƯỞNG", "BÍ THƯ", "THỦ TRƯỞNG", "CHÁNH VĂN PHÒNG", "KT.", "TM.", "TL.", "Q."];

    public static IReadOnlyList<ProposedField> Propose(string firstPage, double pageConfidence)
    {
        var ocr = Math.Clamp(pageConfidence / 100, 0, 1);
        var fields = new List<ProposedField>();
        void Add(string field, string value, double sure) =>
            fields.Add(new(field, value.Trim(), Math.Round(sure * ocr, 2)));
        var lines = firstPage.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var blocks = Regex.Split(firstPage.Replace("\r", ""), @"\n\s*\n").Select(b => b.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList()).ToList();

        var number = NumberNotation().Match(firstPage);
        if (number.Success)
        {
            Add("codeNumber", number.Groups[1].Value.TrimStart('0') is { Length: > 0 } n ? n : "0", 0.95);
            Add("codeNotation", Regex.Replace(number.Groups[2].Value, @"\s+", ""), 0.9);
        }
        var place = PlaceDate().Match(firstPage);
        if (place.Success)
        {
            Add("place", place.Groups[1].Value, 0.85);
            if (int.TryParse(place.Groups[2].Value, out var d) && int.TryParse(place.Groups[3].Value, out var m) && int.TryParse(place.Groups[4].Value, out var y)
                && y is > 1900 and < 2200 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
                Add("issuedDate", new DateOnly(y, m, d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 0.95);
        }

        // Issuer: the upper-case lines at the top before the number, without the national motto.
        var numberLine = lines.FindIndex(l => NumberNotation().IsMatch(l));
        var issuer = lines.Take(numberLine < 0 ? Math.Min(4, lines.Count) : numberLine)
            .Select(l => MottoAsRead().Replace(Motto.Aggregate(l, (s, m) => s.Contains(m, StringComparison.Ordinal) ? s[..s.IndexOf(m, StringComparison.Ordinal)] : s), "").Trim())
            .Where(l => l.Length > 2 && IsUpper(l)).Take(2).ToList();
        if (issuer.Count > 0) Add("issuer", string.Join(' ', issuer), issuer.Count == 2 ? 0.8 : 0.6);

        // Type: a line that is exactly a type name in capitals; the subject is the line (or two) after it.
        for (var i = 0; i < lines.Count; i++)
        {
            var entry = CodeLists.CodeLists.DocumentTypes.Entries.FirstOrDefault(e => e.NameVi.ToUpper(Vi) == lines[i]);
            if (entry is null) continue;
            Add("typeCode", entry.Code, 0.9);
            // The subject is the paragraph after the type line (tesseract ends a paragraph with a blank line), at most 4 lines.
            var own = blocks.FindIndex(b => b.Contains(lines[i]));
            var rest = own < 0 ? [] : blocks[own].SkipWhile(l => l != lines[i]).Skip(1).ToList();
            var paragraph = rest.Count > 0 ? rest : own >= 0 ? blocks.Skip(own + 1).FirstOrDefault(b => b.Count > 0) ?? [] : [];
            var subject = paragraph.Take(4).TakeWhile(l => !l.StartsWith("Căn cứ", StringComparison.Ordinal)).ToList();
            if (subject.Count == 0)
                subject = lines.Skip(i + 1).TakeWhile(l => !IsUpper(l) && !l.StartsWith("Căn cứ", StringComparison.Ordinal)).Take(2).ToList();
            if (subject.Count > 0) Add("subject", string.Join(' ', subject), 0.75);
            break;
        }
        if (fields.All(f => f.Field != "subject") && LetterSubject().Match(firstPage) is { Success: true } v)
        {
            Add("subject", v.Groups[1].Value, 0.8);
            if (fields.All(f => f.Field != "typeCode")) Add("typeCode", CodeLists.CodeLists.DocumentTypes.Entries.First(e => e.NameVi == "Công văn").Code, 0.7);
        }

        // Signer: the last line that names a person (2-5 capitalised words), the position line(s) above it.
        var nameLine = lines.FindLastIndex(l => Regex.IsMatch(l, @"^(\p{Lu}\p{Ll}+\s){1,4}\p{Lu}\p{Ll}+$"));
        if (nameLine > 0)
        {
            Add("signerName", lines[nameLine], 0.7);
            var position = lines.Take(nameLine).Reverse().Take(3).Reverse().Where(l => Positions.Any(p => l.Contains(p, StringComparison.Ordinal))).ToList();
            if (position.Count > 0) Add("signerPosition", string.Join(' ', position), 0.7);
        }
        return fields;
    }

    private static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    private static bool IsUpper(string s) => s.Any(char.IsLetter) && s.Where(char.IsLetter).All(char.IsUpper);
}

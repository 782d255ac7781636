using Archive.Domain.Common;

namespace Archive.Domain.Documents;

/// <summary>One part of a split: the new document's id, its pages of the source scan (1-based, inclusive) and its description.</summary>
public sealed record SplitPart(string NewDocumentId, int FirstPage, int LastPage, DocumentMetadata Metadata);

/// <summary>A page range of the source scan that became the document <paramref name="DocumentId"/>.</summary>
public sealed record SplitRange(string DocumentId, int FirstPage, int LastPage);

/// <summary>
/// Tách bộ (splitting): a scanned file holding several documents is split by page ranges into documents of the dossier.
/// <paramref name="SourceVersion"/> is the content version of the scan (default: the scan the latest digitization started from,
/// else the current content).
/// </summary>
public sealed record SplitScan(int? SourceVersion, IReadOnlyList<SplitPart> Parts) : DocumentCommand;

/// <summary>Recorded on the original: which of its scan's pages became which documents. The scan itself is kept whole.</summary>
[EventType("document.split.v1")]
public sealed record DocumentSplit(string DocumentId, int SourceVersion, string SourceSha256, int SourcePages, IReadOnlyList<SplitRange> Parts,
    string SplitBy) : IDomainEvent;

/// <summary>Recorded on each new document, after its registration: the original document, its scan's version and SHA-256, and the pages taken.</summary>
[EventType("document.split.from.v1")]
public sealed record DocumentSplitFrom(string DocumentId, string SourceDocumentId, int SourceVersion, string SourceSha256, int FirstPage,
    int LastPage) : IDomainEvent;

public static class DocumentSplitting
{
    public const string NotSplittable = "not_splittable";

    /// <summary>
    /// Decides the split on the original's state. Bad ranges (empty, beyond the scan's pages, overlapping each other or pages
    /// already split off the same scan) and bad descriptions are field errors (<c>parts[i].…</c>); nothing is decided then.
    /// </summary>
    public static Decision Split(SplitScan c, DocumentState state, DecisionContext context)
    {
        if (state.IsHeld) return Rejections.UnderHold(state.DocumentId);
        var sourceVersion = c.SourceVersion ?? state.Digitizations.LastOrDefault()?.SourceVersion ?? state.CurrentContent?.Version;
        var source = state.Contents.FirstOrDefault(x => x.Version == sourceVersion);
        if (source is null)
            return c.SourceVersion is null
                ? new Rejection(NotSplittable, "Tài liệu chưa có bản quét để tách.", "The document has no scan to split.")
                : Decision.Invalid([new("sourceVersion", "not_found", $"Không có phiên bản nội dung {c.SourceVersion}.", $"There is no content version {c.SourceVersion}.")]);
        if (source.PdfPageCount is not { } pages || !source.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase))
            return new Rejection(NotSplittable, "Chỉ tách được bản quét PDF có số trang xác định.", "Only a PDF scan with a known page count can be split.");

        var errors = new List<FieldError>();
        if (c.Parts.Count == 0)
            errors.Add(new("parts", "required", "Hãy nêu ít nhất một khoảng trang.", "Give at least one page range."));
        var taken = state.Splits.Where(s => s.SourceVersion == source.Version).SelectMany(s => s.Parts).ToList();
        for (var i = 0; i < c.Parts.Count; i++)
        {
            var p = c.Parts[i];
            var field = $"parts[{i}]";
            if (p.FirstPage > p.LastPage)
                errors.Add(new(field, "empty_range", $"Khoảng trang {p.FirstPage}-{p.LastPage} trống (trang đầu sau trang cuối).",
                    $"Page range {p.FirstPage}-{p.LastPage} is empty (first page after last)."));
            else if (p.FirstPage < 1 || p.LastPage > pages)
                errors.Add(new(field, "out_of_range", $"Khoảng trang {p.FirstPage}-{p.LastPage} nằm ngoài bản quét ({pages} trang).",
                    $"Page range {p.FirstPage}-{p.LastPage} is outside the scan ({pages} pages)."));
            else
            {
                var other = c.Parts.Take(i).Select((o, j) => (o, j)).FirstOrDefault(x => x.o.FirstPage <= x.o.LastPage && Overlap(x.o.FirstPage, x.o.LastPage, p));
                if (other.o is not null)
                    errors.Add(new(field, "overlapping", $"Khoảng trang {p.FirstPage}-{p.LastPage} trùng với khoảng {other.o.FirstPage}-{other.o.LastPage} (phần {other.j + 1}).",
                        $"Page range {p.FirstPage}-{p.LastPage} overlaps {other.o.FirstPage}-{other.o.LastPage} (part {other.j + 1})."));
                else if (taken.FirstOrDefault(t => Overlap(t.FirstPage, t.LastPage, p)) is { } before)
                    errors.Add(new(field, "overlapping", $"Các trang {before.FirstPage}-{before.LastPage} đã được tách thành tài liệu khác.",
                        $"Pages {before.FirstPage}-{before.LastPage} were already split into another document."));
            }
            errors.AddRange(DocumentValidation.Validate(p.Metadata).Select(e => e with { Field = $"{field}.{e.Field}" }));
        }
        if (errors.Count > 0) return Decision.Invalid(errors);
        return Decision.Accept(new DocumentSplit(state.DocumentId, source.Version, source.Sha256, pages,
            c.Parts.Select(p => new SplitRange(p.NewDocumentId, p.FirstPage, p.LastPage)).ToList(), context.Actor.UserId));
    }

    /// <summary>The new document's first events: its registration and where its pages come from.</summary>
    public static IReadOnlyList<IDomainEvent> NewDocument(DocumentSplit split, SplitPart part) =>
        [new DocumentRegistered(part.NewDocumentId, part.Metadata with { PageCount = part.LastPage - part.FirstPage + 1 }),
         new DocumentSplitFrom(part.NewDocumentId, split.DocumentId, split.SourceVersion, split.SourceSha256, part.FirstPage, part.LastPage)];

    /// <summary>"1-3, 4, 5-9" (the web form's and the sheet's way of writing ranges); null when a piece is not a range.</summary>
    public static IReadOnlyList<(int First, int Last)>? ParseRanges(string text)
    {
        var ranges = new List<(int, int)>();
        foreach (var piece in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = piece.Split(['-', '–'], StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !int.TryParse(ends[0], out var first)) return null;
            var last = first;
            if (ends.Length == 2 && !int.TryParse(ends[1], out last)) return null;
            ranges.Add((first, last));
        }
        return ranges.Count == 0 ? null : ranges;
    }

    private static bool Overlap(int first, int last, SplitPart p) => first <= p.LastPage && p.FirstPage <= last;

    public static DocumentState Evolve(DocumentState state, IDomainEvent @event) => @event switch
    {
        DocumentSplit e => state with { Splits = state.Splits.Add(e) },
        DocumentSplitFrom e => state with { SplitFrom = e },
        _ => state,
    };
}

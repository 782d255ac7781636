using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Holds;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

/// <summary>Tách bộ: the split decider, a pure function of (command, state).</summary>
public class SplittingTests
{
    private static DocumentState WithScan(int pages = 10, string mediaType = "application/pdf") =>
        DocumentDecider.Evolve(RegisteredDocument(), new ContentVersionAdded("doc-391", 1, Sha('a'), 1000, mediaType, "scan.pdf", pages, "1.7", null, 200, true, true, []));

    private static SplitPart Part(string id, int first, int last) => new(id, first, last, Document() with { Subject = $"Phần {id}" });

    private static Decision Split(DocumentState state, params SplitPart[] parts) =>
        DocumentDecider.Decide(new SplitScan(null, parts), state, As(Clerk));

    [Fact]
    public void a_split_records_each_page_range_with_the_scans_version_and_hash_on_the_original()
    {
        var decision = Split(WithScan(), Part("n1", 1, 3), Part("n2", 4, 10));
        var split = decision.Events.Single().ShouldBeOfType<DocumentSplit>();
        split.SourceVersion.ShouldBe(1);
        split.SourceSha256.ShouldBe(Sha('a'));
        split.SourcePages.ShouldBe(10);
        split.Parts.ShouldBe([new SplitRange("n1", 1, 3), new SplitRange("n2", 4, 10)]);
        split.SplitBy.ShouldBe(Clerk.UserId);
    }

    [Fact]
    public void each_new_document_is_registered_with_its_page_count_and_a_reference_to_its_pages_of_the_original()
    {
        var split = Split(WithScan(), Part("n1", 2, 4)).Events.OfType<DocumentSplit>().Single();
        var events = DocumentSplitting.NewDocument(split, Part("n1", 2, 4));
        var state = DocumentDecider.Fold(events);
        state.Metadata!.PageCount.ShouldBe(3);
        state.SplitFrom.ShouldBe(new DocumentSplitFrom("n1", "doc-391", 1, Sha('a'), 2, 4));
    }

    [Fact]
    public void overlapping_empty_and_out_of_scan_ranges_are_each_named_and_nothing_is_decided()
    {
        var decision = Split(WithScan(), Part("a", 1, 4), Part("b", 4, 6), Part("c", 8, 7), Part("d", 9, 11), Part("e", 0, 2));
        decision.Events.ShouldBeEmpty();
        decision.Rejection!.Code.ShouldBe(RejectionCodes.ValidationFailed);
        decision.Rejection.Errors.Select(e => (e.Field, e.Code)).ShouldBe([
            ("parts[1]", "overlapping"), ("parts[2]", "empty_range"), ("parts[3]", "out_of_range"), ("parts[4]", "out_of_range")]);
        decision.Rejection.Errors.ShouldAllBe(e => e.MessageVi.Length > 0 && e.MessageEn.Length > 0);
    }

    [Fact]
    public void pages_already_split_off_the_same_scan_cannot_be_split_again()
    {
        var state = WithScan();
        state = Split(state, Part("n1", 1, 3)).Events.Aggregate(state, DocumentDecider.Evolve);
        var again = Split(state, Part("n2", 3, 5));
        again.Rejection!.Errors.Single().ShouldBe(again.Rejection.Errors[0] with { Field = "parts[0]", Code = "overlapping" });
        Split(state, Part("n3", 4, 5)).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void an_empty_list_of_parts_and_a_bad_description_are_field_errors()
    {
        Split(WithScan()).Rejection!.Errors.Single().Field.ShouldBe("parts");
        var bad = new SplitPart("n1", 1, 2, Document() with { TypeCode = "99", Subject = "" });
        Split(WithScan(), bad).Rejection!.Errors.Select(e => e.Field).ShouldBe(["parts[0].typeCode", "parts[0].subject"], ignoreOrder: true);
    }

    [Fact]
    public void an_image_scan_a_held_document_and_a_document_without_content_cannot_be_split()
    {
        Split(WithScan(1, "image/jpeg"), Part("n", 1, 1)).Rejection!.Code.ShouldBe(DocumentSplitting.NotSplittable);
        Split(RegisteredDocument(), Part("n", 1, 1)).Rejection!.Code.ShouldBe(DocumentSplitting.NotSplittable);
        var held = WithScan() with { Holds = [new Hold("H-1", HoldKind.Legal, "Tòa án", "Tranh chấp", Clerk.UserId, Now)] };
        Split(held, Part("n", 1, 2)).Rejection!.Code.ShouldBe(RejectionCodes.UnderHold);
    }

    [Theory]
    [InlineData("1-3, 4, 5–9", "1-3 4-4 5-9")]
    [InlineData("2;7-8", "2-2 7-8")]
    public void page_ranges_are_read_as_an_officer_writes_them(string text, string expected) =>
        string.Join(' ', DocumentSplitting.ParseRanges(text)!.Select(r => $"{r.First}-{r.Last}")).ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("a-3")]
    [InlineData("1-2-3")]
    public void text_that_is_not_page_ranges_is_not_read(string text) => DocumentSplitting.ParseRanges(text).ShouldBeNull();
}

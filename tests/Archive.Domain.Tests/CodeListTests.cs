using Archive.Domain.CodeLists;

namespace Archive.Domain.Tests;

public class CodeListTests
{
    [Fact]
    public void code_lists_have_the_sizes_of_tt05()
    {
        CodeLists.CodeLists.DocumentTypes.Entries.Count.ShouldBe(32);
        CodeLists.CodeLists.Languages.Entries.Count.ShouldBe(11);
        CodeLists.CodeLists.Retention.Entries.Count.ShouldBe(7);
        CodeLists.CodeLists.AccessModes.Entries.Count.ShouldBe(3);
        CodeLists.CodeLists.PhysicalConditions.Entries.Count.ShouldBe(3);
        CodeLists.CodeLists.ConfidenceLevels.Entries.Count.ShouldBe(3);
        CodeLists.CodeLists.BackupStatuses.Entries.Count.ShouldBe(2);
    }

    [Fact]
    public void every_entry_has_a_vietnamese_and_an_english_name_and_a_two_digit_code()
    {
        foreach (var list in CodeLists.CodeLists.All)
        foreach (var entry in list.Entries)
        {
            entry.Code.ShouldMatch(@"^\d{2}$");
            entry.NameVi.ShouldNotBeNullOrWhiteSpace();
            entry.NameEn.ShouldNotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public void maps_and_technical_drawings_are_codes_30_and_31()
    {
        CodeLists.CodeLists.DocumentTypes.Find("30")!.NameVi.ShouldBe("Bản đồ");
        CodeLists.CodeLists.DocumentTypes.Find("31")!.NameVi.ShouldBe("Bản vẽ kỹ thuật");
    }

    [Fact]
    public void a_list_is_found_by_its_wire_id()
    {
        CodeLists.CodeLists.ById("mode").ShouldBe(CodeLists.CodeLists.AccessModes);
        CodeLists.CodeLists.ById("nope").ShouldBeNull();
    }
}

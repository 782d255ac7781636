using System.Text;
using Signing.Pdf;

namespace Signing.Tests;

/// <summary>The one reader of classic cross-reference tables, shared by the signer's reader and the validator.</summary>
public sealed class XrefTableRowsTests
{
    private static (bool Whole, List<XrefTableRow> Rows, string After) Read(string table)
    {
        var data = Encoding.Latin1.GetBytes(table);
        long p = 4; // after "xref"
        var rows = new List<XrefTableRow>();
        var whole = XrefTableRows.Read(new PdfParser(data), ref p, data.Length, rows);
        return (whole, rows, Encoding.Latin1.GetString(data, (int)p, data.Length - (int)p));
    }

    [Fact]
    public void a_table_of_two_subsections_is_whole_when_the_trailer_follows_and_reading_stops_after_the_keyword()
    {
        var (whole, rows, rest) = Read("xref\n0 2\n0000000000 65535 f\r\n0000000017 00000 n\r\n% a comment\n7 1\n0000000081 00002 n \ntrailer\n<< /Size 8 >>");
        whole.ShouldBeTrue();
        rows.ShouldBe([new(0, 0, 65535, true), new(1, 17, 0, false), new(7, 81, 2, false)]);
        rest.ShouldBe("\n<< /Size 8 >>");
    }

    [Fact]
    public void an_entry_of_an_unknown_type_ends_the_table_as_damaged_keeping_the_entries_before_it()
    {
        var (whole, rows, _) = Read("xref\n0 3\n0000000000 65535 f \n0000000017 00000 n \n0000000081 00000 x \ntrailer\n<< >>");
        whole.ShouldBeFalse();
        rows.Select(r => r.Number).ShouldBe([0, 1]);
    }

    [Fact]
    public void a_count_beyond_the_bytes_left_is_not_believed()
    {
        var (whole, rows, _) = Read("xref\n0 2000000000\n0000000000 65535 f \ntrailer\n<< >>");
        whole.ShouldBeFalse();
        rows.ShouldBeEmpty();
    }

    [Fact]
    public void a_table_without_its_trailer_is_not_whole()
    {
        var (whole, rows, _) = Read("xref\n0 1\n0000000000 65535 f \nstartxref\n9\n%%EOF");
        whole.ShouldBeFalse();
        rows.Count.ShouldBe(1);
    }
}

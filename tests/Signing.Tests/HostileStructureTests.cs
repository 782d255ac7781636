using System.Text;
using Signing.Pdf;

namespace Signing.Tests;

/// <summary>The one PDF reader of signer and validator against structures that claim more than the file holds.</summary>
public sealed class HostileStructureTests
{
    private const string Pages = "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n";

    [Fact]
    public void nesting_a_hundred_thousand_arrays_deep_is_refused_as_a_format_error_not_a_stack_overflow()
    {
        var pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Deep " + new string('[', 100_000) + new string(']', 100_000) + " >>\nendobj\n"
            + "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n";
        Should.Throw<PdfFormatException>(() => new PdfDocumentReader(Encoding.Latin1.GetBytes(pdf)));
    }

    [Fact]
    public void a_cross_reference_subsection_claiming_two_billion_entries_is_not_believed_and_the_file_is_rebuilt()
    {
        var body = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + Pages;
        var pdf = body + "xref\n0 2000000000\n0000000000 65535 f\r\ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + body.Length + "\n%%EOF\n";
        var reader = new PdfDocumentReader(Encoding.Latin1.GetBytes(pdf));
        reader.Reconstructed.ShouldBeTrue();
        reader.Pages().Count().ShouldBe(1);
    }

    [Fact]
    public void a_page_tree_that_loops_is_refused()
    {
        var pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 >>\nendobj\n";
        var xref = pdf.Length;
        pdf += "xref\n0 3\n0000000000 65535 f\r\n0000000009 00000 n\r\n" + $"{pdf.IndexOf("2 0 obj", StringComparison.Ordinal):D10} 00000 n\r\n"
            + "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n";
        var reader = new PdfDocumentReader(Encoding.Latin1.GetBytes(pdf));
        reader.Reconstructed.ShouldBeFalse();
        Should.Throw<PdfFormatException>(() => reader.Pages().ToList()).Message.ShouldContain("cycle");
    }

    [Theory]
    [InlineData(0L, 5L, 8L, 2147483647L)]
    [InlineData(-1L, 5L, 8L, 2L)]
    [InlineData(0L, 10L, 0L, 10L)]
    public void byte_ranges_outside_the_file_or_covering_it_twice_are_refused_before_anything_is_allocated(long a, long b, long c, long d)
    {
        Should.Throw<PdfFormatException>(() => ByteRanges.Concat(new byte[10], [a, b, c, d]));
    }

    [Fact]
    public void an_object_said_to_lie_inside_itself_as_an_object_stream_is_refused_not_recursed_into()
    {
        var head = "%PDF-1.7\n";
        var catalog = "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Extra 5 0 R >>\nendobj\n";
        var pages = "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";
        int off1 = head.Length, off2 = off1 + catalog.Length, off3 = off2 + pages.Length;
        // Rows (W [1 2 1]) for objects 0..5; object 5 is "in object stream 5".
        byte[] Row(int type, int f2, int f3) => [(byte)type, (byte)(f2 >> 8), (byte)f2, (byte)f3];
        var rows = new[] { Row(0, 0, 255), Row(1, off1, 0), Row(1, off2, 0), Row(1, off3, 0), Row(0, 0, 0), Row(2, 5, 0) }.SelectMany(r => r).ToArray();
        var xref = $"3 0 obj\n<< /Type /XRef /Size 6 /W [1 2 1] /Root 1 0 R /Length {rows.Length} >>\nstream\n";
        var pdf = Encoding.Latin1.GetBytes(head + catalog + pages + xref).Concat(rows)
            .Concat(Encoding.Latin1.GetBytes($"\nendstream\nendobj\nstartxref\n{off3}\n%%EOF\n")).ToArray();
        var reader = new PdfDocumentReader(pdf);
        reader.Reconstructed.ShouldBeFalse();
        Should.Throw<PdfFormatException>(() => reader.GetObject(5)).Message.ShouldContain("inside itself");
    }
}

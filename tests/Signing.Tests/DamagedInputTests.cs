using System.Text;
using Signing.Pdf;
using Signing.Tests.Support;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class DamagedInputTests(TestPki pki)
{
    [Theory]
    [InlineData("ghostscript")]
    [InlineData("objstm")]
    public async Task a_file_with_a_wrong_startxref_is_signed_with_a_complete_cross_reference_section(string kind)
    {
        var bytes = await File.ReadAllBytesAsync(pki.Inputs[kind]);
        var at = bytes.AsSpan().LastIndexOf("startxref"u8) + "startxref".Length;
        while (bytes[at] is (byte)'\r' or (byte)'\n' or (byte)' ') at++;
        while (bytes[at] is >= (byte)'0' and <= (byte)'9') bytes[at++] = (byte)'1';
        var damaged = pki.NewPath("damaged.pdf");
        await File.WriteAllBytesAsync(damaged, bytes);
        new PdfDocumentReader(bytes).Reconstructed.ShouldBeTrue();

        var (signed, _) = await SignFiles.Sign(pki, damaged, pki.Options());

        var output = await File.ReadAllBytesAsync(signed);
        output.AsSpan(0, bytes.Length).SequenceEqual(bytes).ShouldBeTrue();
        new PdfDocumentReader(output).Reconstructed.ShouldBeFalse("the update's cross-reference section lists every object");
        IndependentChecks.Pdfsig(pki, signed, 1);
        IndependentChecks.OpensslVerifiesEverySignature(pki, signed);
        Tools.Run("qpdf", "--check", signed).Stdout.ShouldContain("No syntax or stream encoding errors found");
        Encoding.Latin1.GetString(output).ShouldNotContain("/Prev -1");
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("4294967306")]
    [InlineData("-5")]
    public void a_stream_length_far_beyond_the_file_is_not_believed_and_the_stream_is_read_to_endstream(string length)
    {
        var pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            + "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
            + $"4 0 obj\n<< /Length {length} >>\nstream\nBT ET\nendstream\nendobj\n";
        var xref = pdf.Length;
        pdf += "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n";
        var reader = new PdfDocumentReader(Encoding.Latin1.GetBytes(pdf));
        var content = reader.Resolve(new PdfReference(4, 0)).ShouldBeOfType<PdfStream>();
        Encoding.Latin1.GetString(content.RawData).ShouldBe("BT ET");
    }
}

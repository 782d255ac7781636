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
}

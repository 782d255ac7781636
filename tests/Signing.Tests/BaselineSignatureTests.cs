using Signing.Tests.Support;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class BaselineSignatureTests(TestPki pki)
{
    private async Task<(string Path, SignResult Result)> SignFile(string input, PadesSignOptions options)
    {
        var output = pki.NewPath("signed.pdf");
        await using var inStream = File.OpenRead(input);
        await using var outStream = File.Create(output);
        var result = await new PadesSigner().SignAsync(inStream, outStream, options, CancellationToken.None);
        return (output, result);
    }

    [Theory]
    [InlineData("pdfsharp")]
    [InlineData("ghostscript")]
    [InlineData("scan")]
    [InlineData("objstm")]
    [InlineData("pdf20")]
    public async Task a_b_b_signature_on_each_kind_of_input_is_valid_for_pdfsig_qpdf_and_openssl(string kind)
    {
        var input = pki.Inputs[kind];
        var (signed, result) = await SignFile(input, pki.Options());

        var original = await File.ReadAllBytesAsync(input);
        var output = await File.ReadAllBytesAsync(signed);
        output.AsSpan(0, original.Length).SequenceEqual(original).ShouldBeTrue("the input must be a byte-exact prefix");
        result.ByteCount.ShouldBe(output.LongLength);
        result.Level.ShouldBe(PadesLevel.B_B);
        IndependentChecks.All(pki, signed, 1, input);
    }
}

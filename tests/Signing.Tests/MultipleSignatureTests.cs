using Signing.Pdf;
using Signing.Tests.Support;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class MultipleSignatureTests(TestPki pki)
{
    [Fact]
    public async Task a_file_signed_three_times_keeps_three_valid_signatures()
    {
        var (first, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options());
        var (second, _) = await SignFiles.Sign(pki, first, pki.Options(signer: pki.Signer(pki.Pki.OrganizationEcdsa)));
        var (third, _) = await SignFiles.Sign(pki, second, pki.Options(PadesLevel.B_T));

        var stdout = IndependentChecks.Pdfsig(pki, third, 3);
        Environment.GetEnvironmentVariable("SIGNING_TESTS_KEEP")?.Let(dir =>
        {
            File.Copy(third, Path.Combine(dir, "three-signatures.pdf"), true);
            File.Copy(pki.RootPem, Path.Combine(dir, "test-root.pem"), true);
            File.WriteAllText(Path.Combine(dir, "three-signatures.pdfsig.txt"), stdout);
            File.WriteAllText(Path.Combine(dir, "three-signatures.pdfsig-no-ocsp.txt"),
                Tools.Run("pdfsig", "-nssdir", "sql:" + pki.NssDir, "-no-ocsp", third).Stdout);
        });
        stdout.Split("Not total document signed").Length.ShouldBe(3, stdout);
        IndependentChecks.QpdfCheck(third);
        IndependentChecks.OpensslVerifiesEverySignature(pki, third);

        var file = await File.ReadAllBytesAsync(third);
        var names = SignatureDictionaries.Read(new PdfDocumentReader(file)).Select(s => s.FieldName);
        names.ShouldBe(["Signature1", "Signature2", "Signature3"]);
        var revisions = ByteRanges.RevisionEnds(file);
        revisions.Count.ShouldBeGreaterThanOrEqualTo(4);
        foreach (var sig in SignatureDictionaries.Read(new PdfDocumentReader(file)))
            revisions.ShouldContain(sig.ByteRange[2] + sig.ByteRange[3], "each signature ends exactly at a revision boundary");
    }

    [Fact]
    public async Task signing_a_file_with_object_streams_writes_an_xref_stream_update()
    {
        var (once, _) = await SignFiles.Sign(pki, pki.Inputs.ObjectStreams, pki.Options());
        var (twice, _) = await SignFiles.Sign(pki, once, pki.Options());

        new PdfDocumentReader(await File.ReadAllBytesAsync(twice)).LastSectionIsXrefStream.ShouldBeTrue();
        IndependentChecks.All(pki, twice, 2);
    }

    [Fact]
    public async Task signing_a_file_with_a_classic_xref_table_writes_a_classic_table_update()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options());

        var file = await File.ReadAllBytesAsync(signed);
        new PdfDocumentReader(file).LastSectionIsXrefStream.ShouldBeFalse();
        System.Text.Encoding.Latin1.GetString(file).LastIndexOf("\nxref\n", StringComparison.Ordinal)
            .ShouldBeGreaterThan(new FileInfo(pki.Inputs.Ghostscript).Length.ToInt());
    }
}

internal static class LongExtensions
{
    public static int ToInt(this long v) => checked((int)v);
}

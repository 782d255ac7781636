using System.Net;
using System.Text.Json;
using Archive.Cli;
using Signing;
using Signing.Development;
using Signing.Revocation;
using Signing.Signers;

namespace Archive.Cli.Tests;

public sealed class verify_command(SignFixture f) : IClassFixture<SignFixture>
{
    private string SignedCopy()
    {
        var dir = f.NewFolder();
        var input = Path.Combine(dir, "letter.pdf");
        File.Copy(f.SamplePdf, input);
        var r = f.Archive(null, ["sign", input, "--p12", f.P12, "--password-file", f.PasswordFile, "--level", "B-B", "--trust-anchor", f.RootPem, "--invisible"]);
        r.ExitCode.ShouldBe(0, r.All);
        return Path.Combine(dir, "letter.signed.pdf");
    }

    private static async Task<(int Exit, string Out, string Err)> Verify(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = await CliApp.RunAsync(["verify", .. args], o, e);
        return (exit, o.ToString(), e.ToString());
    }

    // The fixture's development PKI names no OCSP/CRL endpoints, so a B-B file carries no revocation data and
    // offline validation cannot reach TOTAL_PASSED: the honest answer is INDETERMINATE/TRY_LATER, exit 1.
    // The exit-0 path is the B-LT test above.
    [Fact]
    public async Task a_trusted_b_b_file_without_revocation_data_is_try_later_offline_and_exits_1()
    {
        var signed = SignedCopy();
        var (exit, output, err) = await Verify(signed, "--trust-anchor", f.RootPem);
        exit.ShouldBe(1, output + err);
        output.ShouldContain("INDETERMINATE/TRY_LATER");
        output.ShouldContain("level=B-B");
        output.ShouldContain("revocation");
    }

    /// <summary>
    /// A B-LT file from a PKI whose OCSP responder and TSA answer in process: it carries its own revocation data,
    /// so offline validation can pass it.
    /// </summary>
    private async Task<(string Pdf, string RootPem)> BltSignedCopy()
    {
        var pki = new DevelopmentPki("Trung tâm Lưu trữ thử nghiệm B-LT", new Uri("http://pki.invalid/ocsp"));
        var responders = new DevelopmentResponders(pki);
        using var signer = new Pkcs12Signer(pki.ExportPkcs12(pki.Organization, "x"), "x");
        var dir = f.NewFolder();
        var output = Path.Combine(dir, "blt.pdf");
        await using (var source = File.OpenRead(f.SamplePdf))
        await using (var target = File.Create(output))
            await new PadesSigner().SignAsync(source, target, new PadesSignOptions
            {
                Signer = signer,
                Level = PadesLevel.B_LT,
                TimestampClient = new InProcessTimestampClient(responders),
                RevocationClient = new RevocationClient(new HttpClient(new OcspHandler(responders))),
                TrustAnchors = [pki.Root],
            });
        var root = Path.Combine(dir, "blt-root.pem");
        await File.WriteAllTextAsync(root, pki.Root.ExportCertificatePem());
        return (output, root);
    }

    private sealed class OcspHandler(DevelopmentResponders responders) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            new(HttpStatusCode.OK) { Content = new ByteArrayContent(responders.Ocsp(await request.Content!.ReadAsByteArrayAsync(ct))) };
    }

    [Fact]
    public async Task a_b_lt_file_signed_with_our_signer_and_its_root_as_trust_anchor_exits_0_offline()
    {
        var (pdf, root) = await BltSignedCopy();
        var (exit, output, err) = await Verify(pdf, "--trust-anchor", root);
        exit.ShouldBe(0, output + err);
        output.ShouldContain(": TOTAL_PASSED");
        output.ShouldContain("level=B-LT");
    }

    [Fact]
    public async Task verify_at_a_time_after_the_signer_certificate_expired_still_passes_a_timestamped_b_lt_file_and_says_why()
    {
        var (pdf, root) = await BltSignedCopy();
        // Three years on, the two-year signer certificate has expired: the signature timestamp proves it was made in time.
        var at = DateTimeOffset.UtcNow.AddYears(3).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var (exit, output, err) = await Verify(pdf, "--trust-anchor", root, "--at", at);
        exit.ShouldBe(0, output + err);
        output.ShouldContain($"validated as of {DateTimeOffset.Parse(at):u}");
        output.ShouldContain("expired, but the signature is proven to exist");
    }

    [Fact]
    public async Task verify_at_a_time_before_the_certificates_were_issued_does_not_pass()
    {
        var (pdf, root) = await BltSignedCopy();
        var (exit, output, err) = await Verify(pdf, "--trust-anchor", root, "--at", "2001-01-01T00:00:00Z");
        exit.ShouldBe(1, output + err);
        output.ShouldNotContain(": TOTAL_PASSED");
    }

    [Fact]
    public async Task verify_at_with_something_that_is_not_a_time_is_a_usage_error()
    {
        var (exit, _, err) = await Verify(SignedCopy(), "--at", "yesterday-ish");
        exit.ShouldBe(2);
        err.ShouldContain("--at");
    }

    [Fact]
    public async Task many_files_are_verified_in_one_process_each_with_its_own_verdict()
    {
        var (blt, root) = await BltSignedCopy();
        var (exit, output, err) = await Verify(blt, f.SamplePdf, blt, "--trust-anchor", root);
        exit.ShouldBe(1, output + err);
        output.Split('\n').Count(l => l.StartsWith(blt + ": TOTAL_PASSED")).ShouldBe(2);
        output.ShouldContain(f.SamplePdf + ": INDETERMINATE");
    }

    [Fact]
    public async Task one_byte_changed_inside_the_signed_range_exits_1_with_total_failed_hash_failure()
    {
        var signed = SignedCopy();
        var bytes = File.ReadAllBytes(signed);
        // Byte 10 is inside the binary comment after the header: the file still parses, but the digest changes.
        bytes[10] ^= 0x01;
        File.WriteAllBytes(signed, bytes);

        var (exit, output, err) = await Verify(signed, "--trust-anchor", f.RootPem);
        exit.ShouldBe(1, output + err);
        output.ShouldContain("TOTAL_FAILED");
        output.ShouldContain("HASH_FAILURE");
    }

    [Fact]
    public async Task an_unsigned_file_exits_1()
    {
        var (exit, output, err) = await Verify(f.SamplePdf, "--trust-anchor", f.RootPem);
        exit.ShouldBe(1, output + err);
    }

    [Fact]
    public async Task a_signature_whose_root_is_not_trusted_exits_1()
    {
        var (exit, output, err) = await Verify(SignedCopy());
        exit.ShouldBe(1, output + err);
        output.ShouldNotContain(": TOTAL_PASSED");
    }

    [Fact]
    public async Task json_output_is_an_array_of_reports_that_parses()
    {
        var signed = SignedCopy();
        var (exit, output, err) = await Verify(signed, f.SamplePdf, "--json", "--trust-anchor", f.RootPem);
        exit.ShouldBe(1, output + err);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetArrayLength().ShouldBe(2);
        doc.RootElement[0].GetProperty("signatures")[0].GetProperty("subIndication").GetString().ShouldBe("TRY_LATER");
    }

    [Fact]
    public async Task an_unreadable_path_exits_1_with_the_reason()
    {
        var (exit, _, err) = await Verify(Path.Combine(f.Directory, "missing.pdf"));
        exit.ShouldBe(1);
        err.ShouldContain("cannot read");
    }

    [Fact]
    public async Task no_arguments_is_a_usage_error_exit_2()
    {
        var (exit, _, err) = await Verify();
        exit.ShouldBe(2);
        err.ShouldContain("no files");
    }
}

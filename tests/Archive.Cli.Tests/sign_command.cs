using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Signing.Development;

namespace Archive.Cli.Tests;

/// <summary>
/// A development PKI written out as files (PKCS#12, password file, root PEM, NSS database for pdfsig),
/// an RFC 3161 TSA on 127.0.0.1 and a few input PDFs made with Ghostscript.
/// </summary>
public sealed class SignFixture : IDisposable
{
    public const string Password = "p12-secret-Zq7!";

    private readonly HttpListener _listener = new();

    public SignFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("archive-sign-cli-").FullName;
        Pki = new DevelopmentPki("Trung tâm Lưu trữ thử nghiệm");
        var responders = new DevelopmentResponders(Pki);

        P12 = Path.Combine(Directory, "signer.p12");
        File.WriteAllBytes(P12, Pki.ExportPkcs12(Pki.Organization, Password));
        PasswordFile = Path.Combine(Directory, "password.txt");
        File.WriteAllText(PasswordFile, Password + "\n");
        RootPem = Path.Combine(Directory, "root.pem");
        File.WriteAllText(RootPem, Pki.Root.ExportCertificatePem());
        NssDir = Path.Combine(Directory, "nss");
        System.IO.Directory.CreateDirectory(NssDir);
        Run("certutil", "-N", "--empty-password", "-d", "sql:" + NssDir).ExitCode.ShouldBe(0);
        Run("certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", RootPem, "-d", "sql:" + NssDir).ExitCode.ShouldBe(0);

        SamplePdf = Path.Combine(Directory, "sample.pdf");
        var gs = Run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sPAPERSIZE=a4", "-o", SamplePdf, "-c",
            "/Times-Roman findfont 14 scalefont setfont 85 700 moveto (Archive CLI test document) show showpage");
        gs.ExitCode.ShouldBe(0, gs.All);

        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            TsaUrl = $"http://127.0.0.1:{((IPEndPoint)l.LocalEndpoint).Port}/tsa";
        }
        _listener.Prefixes.Add(TsaUrl[..(TsaUrl.Length - "tsa".Length)]);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
                try
                {
                    using var body = new MemoryStream();
                    ctx.Request.InputStream.CopyTo(body);
                    var reply = responders.Timestamp(body.ToArray());
                    ctx.Response.ContentType = "application/timestamp-reply";
                    ctx.Response.OutputStream.Write(reply);
                }
                catch (Exception) { ctx.Response.StatusCode = 500; }
                finally { ctx.Response.Close(); }
            }
        });
    }

    public string Directory { get; }
    public DevelopmentPki Pki { get; }
    public string P12 { get; }
    public string PasswordFile { get; }
    public string RootPem { get; }
    public string NssDir { get; }
    public string SamplePdf { get; }
    public string TsaUrl { get; }

    public string NewFolder()
    {
        var d = Path.Combine(Directory, Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(d);
        return d;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    /// <summary>Runs the real <c>archive</c> executable (built next to the tests) so exit codes and output streams are the user's.</summary>
    public Result Archive(IDictionary<string, string>? env, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "archive.dll");
        return Run("dotnet", env, [dll, .. args]);
    }

    public Result Pdfsig(string path) => Run("pdfsig", "-nssdir", "sql:" + NssDir, path);

    public static Result Run(string tool, params string[] args) => Run(tool, null, args);

    public static Result Run(string tool, IDictionary<string, string>? env, string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("ARCHIVE_P12_PASSWORD");
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}

public sealed class sign_command(SignFixture f) : IClassFixture<SignFixture>
{
    private string[] Common(string level = "B-B") => ["--p12", f.P12, "--password-file", f.PasswordFile, "--level", level, "--trust-anchor", f.RootPem];

    [Fact]
    public void signing_a_single_file_at_B_B_exits_0_and_pdfsig_says_the_signature_is_valid()
    {
        var dir = f.NewFolder();
        var input = Path.Combine(dir, "letter.pdf");
        File.Copy(f.SamplePdf, input);

        var r = f.Archive(null, ["sign", input, .. Common(), "--copy", "sao-y", "--org", "Trung tâm Lưu trữ"]);

        r.ExitCode.ShouldBe(0, r.All);
        var output = Path.Combine(dir, "letter.signed.pdf");
        File.Exists(output).ShouldBeTrue(r.All);
        f.Pdfsig(output).Stdout.ShouldContain("Signature Validation: Signature is Valid.");
    }

    [Fact]
    public void signing_at_B_T_with_a_loopback_timestamp_authority_and_the_password_from_the_environment_writes_json()
    {
        var dir = f.NewFolder();
        var input = Path.Combine(dir, "decision.pdf");
        File.Copy(f.SamplePdf, input);
        var output = Path.Combine(dir, "out", "decision-signed.pdf");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var r = f.Archive(new Dictionary<string, string> { ["ARCHIVE_P12_PASSWORD"] = SignFixture.Password },
            ["sign", input, "--p12", f.P12, "--level", "B-T", "--tsa", f.TsaUrl, "--trust-anchor", f.RootPem, "--invisible", "--out", output, "--json"]);

        r.ExitCode.ShouldBe(0, r.All);
        r.Stdout.ShouldContain("\"level\": \"B-T\"");
        r.Stdout.ShouldContain("\"timestampTime\": \"20");
        var check = f.Pdfsig(output);
        check.Stdout.ShouldContain("Signature Validation: Signature is Valid.", customMessage: check.All);
    }

    [Fact]
    public void signing_a_folder_of_three_pdfs_mirrors_three_valid_outputs_into_out()
    {
        var dir = f.NewFolder();
        var input = Path.Combine(dir, "in");
        System.IO.Directory.CreateDirectory(Path.Combine(input, "2024", "q1"));
        var names = new[] { "a.pdf", Path.Combine("2024", "b.pdf"), Path.Combine("2024", "q1", "c.PDF") };
        foreach (var n in names) File.Copy(f.SamplePdf, Path.Combine(input, n));
        var output = Path.Combine(dir, "signed");

        var r = f.Archive(null, ["sign", input, .. Common(), "--out", output]);

        r.ExitCode.ShouldBe(0, r.All);
        r.Stdout.ShouldContain("3 signed, 0 failed");
        foreach (var n in names)
        {
            var signed = Path.Combine(output, n);
            File.Exists(signed).ShouldBeTrue(r.All);
            f.Pdfsig(signed).Stdout.ShouldContain("Signature Validation: Signature is Valid.");
        }
        System.IO.Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Count().ShouldBe(3);
    }

    [Fact]
    public void a_file_that_is_not_a_pdf_in_the_folder_exits_1_names_that_file_leaves_no_output_and_the_others_are_signed()
    {
        var dir = f.NewFolder();
        File.Copy(f.SamplePdf, Path.Combine(dir, "good-1.pdf"));
        File.Copy(f.SamplePdf, Path.Combine(dir, "good-2.pdf"));
        File.WriteAllText(Path.Combine(dir, "scan-notes.pdf"), "these are plain text notes, not a PDF\n");

        var r = f.Archive(null, ["sign", dir, .. Common()]);

        r.ExitCode.ShouldBe(1, r.All);
        r.Stderr.ShouldContain("FAILED " + Path.Combine(dir, "scan-notes.pdf"));
        r.Stdout.ShouldContain("2 signed, 1 failed");
        File.Exists(Path.Combine(dir, "scan-notes.signed.pdf")).ShouldBeFalse();
        System.IO.Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
        foreach (var good in new[] { "good-1", "good-2" })
            f.Pdfsig(Path.Combine(dir, good + ".signed.pdf")).Stdout.ShouldContain("Signature Validation: Signature is Valid.");
    }

    [Fact]
    public void a_wrong_password_fails_with_a_message_that_does_not_contain_the_password()
    {
        var dir = f.NewFolder();
        var input = Path.Combine(dir, "letter.pdf");
        File.Copy(f.SamplePdf, input);
        const string wrong = "definitely-Wrong-Pw-4711";
        var passwordFile = Path.Combine(dir, "wrong.txt");
        File.WriteAllText(passwordFile, wrong);

        var r = f.Archive(null, ["sign", input, "--p12", f.P12, "--password-file", passwordFile, "--level", "B-B", "--trust-anchor", f.RootPem]);

        r.ExitCode.ShouldBe(2, r.All);
        r.Stderr.ShouldContain("wrong password");
        r.All.ShouldNotContain(wrong);
        r.All.ShouldNotContain(SignFixture.Password);
        File.Exists(Path.Combine(dir, "letter.signed.pdf")).ShouldBeFalse();
    }

    [Fact]
    public void usage_errors_exit_2()
    {
        f.Archive(null, ["sign", f.SamplePdf, "--password-file", f.PasswordFile, "--level", "B-B"]).ExitCode.ShouldBe(2); // no --p12
        var bad = f.Archive(null, ["sign", f.SamplePdf, "--p12", f.P12, "--password-file", f.PasswordFile, "--level", "B-X"]);
        bad.ExitCode.ShouldBe(2);
        bad.Stderr.ShouldContain("B-X");
        f.Archive(null, ["sign", f.SamplePdf, "--p12", f.P12, "--password-file", f.PasswordFile, "--level", "B-T"]).ExitCode.ShouldBe(2); // no --tsa
        f.Archive(null, ["sign", f.SamplePdf, .. Common(), "--no-such-option"]).ExitCode.ShouldBe(2);
        f.Archive(null, ["sign", f.SamplePdf, "--p12", f.P12, "--level", "B-B"]).ExitCode.ShouldBe(2); // no password anywhere
    }
}

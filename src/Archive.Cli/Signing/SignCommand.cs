using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing;
using Signing.Appearance;
using Signing.Signers;
using Signing.Timestamping;
using Spectre.Console;

namespace Archive.Cli;

/// <summary>
/// <c>archive sign &lt;FILE-OR-FOLDER&gt;</c>: offline PAdES signing of one PDF or every *.pdf under a folder.
/// Exit codes: 0 all signed, 1 at least one file failed, 2 usage or configuration error.
/// The password is read from --password-file or ARCHIVE_P12_PASSWORD and never printed.
/// </summary>
public static class SignCommand
{
    public const string PasswordVariable = "ARCHIVE_P12_PASSWORD";
    public const int Ok = 0, SomeFailed = 1, Usage = 2;

    /// <summary>Runs <c>archive sign ...</c> on its own (args start with "sign"), mapping parse errors to exit code 2.</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("archive") { Create() };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine("usage: archive sign <FILE-OR-FOLDER> --p12 <path> (--password-file <path> | env " + PasswordVariable +
                ") --level B-B|B-T|B-LT|B-LTA [--tsa <url>] [--copy sao-y|sao-luc|trich-sao] [--org <name>] [--invisible] [--out <file-or-folder>] [--trust-anchor <pem>] [--json]");
            return Usage;
        }
        return parsed.Invoke();
    }

    /// <summary>One line for <c>archive --help</c> and the head of <c>archive sign --help</c>.</summary>
    public const string Description = "Sign a PDF, or every PDF in a folder, offline with a PAdES signature (B-B, B-T, B-LT, B-LTA); " +
        "exit 0 all signed, 1 some failed (each named), 2 usage";

    public static Command Create()
    {
        var input = new Argument<string>("FILE-OR-FOLDER") { Description = "A PDF file, or a folder whose *.pdf files (recursively) are signed" };
        var p12 = new Option<string?>("--p12") { Description = "PKCS#12 (.p12/.pfx) file with the signing key and certificate chain" };
        var passwordFile = new Option<string?>("--password-file") { Description = $"File holding the PKCS#12 password (else env {PasswordVariable})" };
        var level = new Option<string?>("--level") { Description = "PAdES baseline level: B-B, B-T, B-LT or B-LTA" };
        var tsa = new Option<string?>("--tsa") { Description = "RFC 3161 timestamp authority URL (required for B-T and above)" };
        var copy = new Option<string?>("--copy") { Description = "Copy kind printed on the visible signature: sao-y, sao-luc or trich-sao" };
        var org = new Option<string?>("--org") { Description = "Organization name printed on the visible signature" };
        var invisible = new Option<bool>("--invisible") { Description = "Make an invisible signature (no appearance)" };
        var output = new Option<string?>("--out") { Description = "Output file (single input) or folder (folder input, mirrored); default <name>.signed.pdf beside the input" };
        var anchors = new Option<string[]>("--trust-anchor") { Description = "PEM file(s) with the root certificate(s) the signer's chain must build to (default: system trust store)", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on stdout" };

        var command = new Command("sign", Description)
        {
            input, p12, passwordFile, level, tsa, copy, org, invisible, output, anchors, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new SignRequest(
                parse.GetValue(input)!, parse.GetValue(p12), parse.GetValue(passwordFile), parse.GetValue(level), parse.GetValue(tsa),
                parse.GetValue(copy), parse.GetValue(org), parse.GetValue(invisible), parse.GetValue(output),
                parse.GetValue(anchors) ?? [], parse.GetValue(json));
            return await SignRunner.RunAsync(request, Console.Out, Console.Error, ct);
        });
        return command;
    }
}

internal sealed record SignRequest(
    string Input, string? P12, string? PasswordFile, string? Level, string? Tsa, string? Copy, string? Org,
    bool Invisible, string? Out, string[] TrustAnchors, bool Json);

internal sealed record FileOutcome(string Input, string? Output, SignResult? Result, string? Error);

internal static class SignRunner
{
    private sealed class UsageException(string message) : Exception(message);

    public static async Task<int> RunAsync(SignRequest r, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        PadesSignOptions options;
        List<(string Input, string Output)> jobs;
        bool folder;
        Pkcs12Signer signer;
        try
        {
            var level = ParseLevel(r.Level);
            var appearance = Appearance(r);
            Uri? tsaUrl = null;
            if (r.Tsa is not null)
            {
                if (!Uri.TryCreate(r.Tsa, UriKind.Absolute, out tsaUrl) || (tsaUrl.Scheme != Uri.UriSchemeHttp && tsaUrl.Scheme != Uri.UriSchemeHttps))
                    throw new UsageException($"--tsa must be an http(s) URL, got '{r.Tsa}'.");
            }
            else if (level >= PadesLevel.B_T)
                throw new UsageException($"Level {LevelText(level)} needs a timestamp authority: give --tsa <url>.");
            var anchors = LoadAnchors(r.TrustAnchors);
            (jobs, folder) = PlanJobs(r.Input, r.Out);
            signer = LoadSigner(r);
            options = new PadesSignOptions
            {
                Signer = signer,
                Level = level,
                TimestampClient = tsaUrl is null ? null : new HttpTimestampClient(tsaUrl, timeout: TimeSpan.FromSeconds(30)),
                Appearance = appearance,
                TrustAnchors = anchors,
            };
        }
        catch (Exception e) when (e is UsageException or SignerConfigurationException)
        {
            // Messages are our own; none contains the password (inner exceptions are not printed).
            if (r.Json) WriteJson(stdout, [], e.Message);
            stderr.WriteLine("error: " + e.Message);
            return SignCommand.Usage;
        }

        using (signer)
        {
            if (jobs.Count == 0)
            {
                if (r.Json) WriteJson(stdout, [], null);
                else stderr.WriteLine($"no *.pdf files under {r.Input}");
                return SignCommand.Ok;
            }

            var outcomes = new List<FileOutcome>();
            var interactive = folder && !r.Json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            if (interactive)
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"signing {jobs.Count} files", maxValue: jobs.Count);
                        foreach (var (input, output) in jobs)
                        {
                            var o = await SignOneAsync(input, output, options, ct);
                            outcomes.Add(o);
                            if (o.Error is not null) AnsiConsole.MarkupLineInterpolated($"[red]FAILED[/] {input}: {o.Error}");
                            task.Increment(1);
                        }
                    });
            }
            else
            {
                foreach (var (input, output) in jobs)
                {
                    var o = await SignOneAsync(input, output, options, ct);
                    outcomes.Add(o);
                    if (r.Json) continue;
                    if (o.Error is null) stdout.WriteLine($"signed {input} -> {output} ({LevelText(o.Result!.Level)}, {o.Result.ByteCount} bytes)");
                    else stderr.WriteLine($"FAILED {input}: {o.Error}");
                }
            }

            var failed = outcomes.Where(o => o.Error is not null).ToList();
            if (r.Json) WriteJson(stdout, outcomes, null);
            else
            {
                stdout.WriteLine($"{outcomes.Count - failed.Count} signed, {failed.Count} failed");
                if (failed.Count > 0 && interactive)
                    foreach (var f in failed) stderr.WriteLine($"FAILED {f.Input}: {f.Error}");
            }
            return failed.Count == 0 ? SignCommand.Ok : SignCommand.SomeFailed;
        }
    }

    /// <summary>Signs into a temporary file next to the output, fsyncs it and renames it; a failure leaves no output.</summary>
    internal static async Task<FileOutcome> SignOneAsync(string input, string output, PadesSignOptions options, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(output))!;
        var temp = Path.Combine(dir, "." + Path.GetFileName(output) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            Directory.CreateDirectory(dir);
            SignResult result;
            await using (var source = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                result = await new PadesSigner().SignAsync(source, target, options, ct);
                target.Flush(flushToDisk: true);
            }
            File.Move(temp, output, overwrite: true);
            return new FileOutcome(input, output, result, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            TryDelete(temp);
            return new FileOutcome(input, null, null, Describe(e));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        SigningException or SignerConfigurationException => e.Message,
        global::Signing.Pdf.PdfFormatException => "not a readable PDF: " + e.Message,
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static PadesLevel ParseLevel(string? text) => text?.Trim().ToUpperInvariant().Replace('_', '-') switch
    {
        null => throw new UsageException("--level is required: B-B, B-T, B-LT or B-LTA."),
        "B-B" => PadesLevel.B_B,
        "B-T" => PadesLevel.B_T,
        "B-LT" => PadesLevel.B_LT,
        "B-LTA" => PadesLevel.B_LTA,
        _ => throw new UsageException($"Unknown --level '{text}': use B-B, B-T, B-LT or B-LTA."),
    };

    internal static string LevelText(PadesLevel level) => level.ToString().Replace('_', '-');

    private static SignatureAppearance Appearance(SignRequest r)
    {
        var kind = r.Copy?.Trim().ToLowerInvariant() switch
        {
            null => CopyKind.None,
            "sao-y" => CopyKind.SaoY,
            "sao-luc" => CopyKind.SaoLuc,
            "trich-sao" => CopyKind.TrichSao,
            _ => throw new UsageException($"Unknown --copy '{r.Copy}': use sao-y, sao-luc or trich-sao."),
        };
        if (r.Invisible && (r.Copy is not null || r.Org is not null))
            throw new UsageException("--invisible cannot be combined with --copy or --org (nothing is drawn).");
        return r.Invisible ? SignatureAppearance.Invisible : new SignatureAppearance { CopyKind = kind, OrganizationName = r.Org };
    }

    private static IReadOnlyCollection<X509Certificate2> LoadAnchors(string[] paths)
    {
        var all = new List<X509Certificate2>();
        foreach (var p in paths)
        {
            if (!File.Exists(p)) throw new UsageException($"Trust anchor file not found: {p}");
            var c = new X509Certificate2Collection();
            try { c.ImportFromPemFile(p); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
            { throw new UsageException($"Trust anchor file {p} is not PEM certificates: {e.Message}"); }
            if (c.Count == 0) throw new UsageException($"Trust anchor file {p} holds no certificate.");
            all.AddRange(c);
        }
        return all;
    }

    private static Pkcs12Signer LoadSigner(SignRequest r)
    {
        if (r.P12 is null) throw new UsageException("--p12 <path> is required.");
        if (!File.Exists(r.P12)) throw new UsageException($"PKCS#12 file not found: {r.P12}");
        if (r.PasswordFile is not null)
        {
            if (!File.Exists(r.PasswordFile)) throw new UsageException($"Password file not found: {r.PasswordFile}");
            return Pkcs12Signer.FromFiles(r.P12, r.PasswordFile);
        }
        var password = Environment.GetEnvironmentVariable(SignCommand.PasswordVariable)
            ?? throw new UsageException($"No PKCS#12 password: give --password-file <path> or set {SignCommand.PasswordVariable}.");
        return Pkcs12Signer.FromFile(r.P12, password);
    }

    private static (List<(string, string)> Jobs, bool Folder) PlanJobs(string input, string? output)
    {
        if (File.Exists(input))
        {
            var target = output is null ? DefaultOutput(input)
                : Directory.Exists(output) ? Path.Combine(output, Path.GetFileNameWithoutExtension(input) + ".signed.pdf")
                : output;
            if (SamePath(target, input)) throw new UsageException("--out must differ from the input file.");
            return ([(input, target)], false);
        }
        if (!Directory.Exists(input)) throw new UsageException($"No such file or folder: {input}");
        if (output is not null && File.Exists(output)) throw new UsageException($"--out must be a folder when signing a folder: {output} is a file.");
        if (output is not null && SamePath(output, input)) throw new UsageException("--out must differ from the input folder.");
        var files = Directory.EnumerateFiles(input, "*.pdf", new EnumerationOptions
            {
                RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden,
            })
            .Order(StringComparer.Ordinal)
            .ToList();
        var fullOut = output is null ? null : Path.GetFullPath(output) + Path.DirectorySeparatorChar;
        var jobs = new List<(string, string)>();
        foreach (var f in files)
        {
            if (fullOut is not null && Path.GetFullPath(f).StartsWith(fullOut, StringComparison.Ordinal)) continue; // earlier outputs inside the input
            if (output is null && f.EndsWith(".signed.pdf", StringComparison.OrdinalIgnoreCase)) continue; // earlier outputs beside inputs
            var target = output is null ? DefaultOutput(f) : Path.Combine(output, Path.GetRelativePath(input, f));
            jobs.Add((f, target));
        }
        return (jobs, true);
    }

    private static string DefaultOutput(string input) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(input))!, Path.GetFileNameWithoutExtension(input) + ".signed.pdf");

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

    private static void WriteJson(TextWriter stdout, List<FileOutcome> outcomes, string? error)
    {
        var doc = new
        {
            error,
            signed = outcomes.Where(o => o.Error is null).Select(o => new
            {
                input = o.Input,
                output = o.Output,
                level = LevelText(o.Result!.Level),
                signer = o.Result.SignerSubject,
                signerCertificateSha256 = o.Result.SignerCertificateSha256,
                signatureSha256 = o.Result.SignatureSha256,
                signingTime = o.Result.SigningTime,
                timestampTime = o.Result.TimestampTime,
                outputSha256 = o.Result.OutputSha256,
                bytes = o.Result.ByteCount,
            }),
            failed = outcomes.Where(o => o.Error is not null).Select(o => new { input = o.Input, error = o.Error }),
        };
        stdout.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }
}

using System.Security.Cryptography.X509Certificates;
using System.Text;
using Signing.Validation;

namespace Archive.Cli.Verification;

/// <summary>
/// <c>archive verify FILE... [--json] [--trust-anchor PEM]... [--online] [--at TIME]</c>: validates every signature of
/// each PDF, all files in one process (start-up is paid once). <c>--at</c> validates as of a past (or future) moment,
/// e.g. when the signer's certificate was still valid (ETSI EN 319 102-1 5.1: the validation time is an input).
/// Exit codes: 0 every signature of every file is TOTAL_PASSED, 1 anything else (including unreadable or unsigned
/// files), 2 usage errors. Offline by default: without --online the network is never touched, so a verification
/// run on an air-gapped archive machine gives the same answer as anywhere else.
/// </summary>
public static class VerifyCommand
{
    public const int AllPassed = 0, NotAllPassed = 1, Usage = 2;

    private const string UsageText = "usage: archive verify FILE... [--json] [--trust-anchor <pem>]... [--online] [--at <ISO 8601 time, e.g. 2024-05-01T09:00:00Z>]";

    /// <summary>One line for <c>archive --help</c>.</summary>
    public const string Description = "Validate every signature and document timestamp of PDF files (ETSI EN 319 102-1); exit 0 all passed, 1 not all, 2 usage";

    /// <summary>What <c>archive verify --help</c> prints: every argument and option, offline behaviour and exit codes.</summary>
    public const string HelpText = $$"""
        Description:
          {{Description}}

        Usage:
          archive verify <FILE>... [options]

        Arguments:
          <FILE>  PDF files to validate; each is reported on its own (an unreadable file counts as not passed)

        Options:
          --trust-anchor <pem>  PEM file with root certificate(s) a signer's chain may build to; repeatable. Without one no
                                chain is trusted, so a signature is at best INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND
          --online              Fetch OCSP responses and CRLs named in the certificates; without it the network is never touched
                                and only revocation data embedded in the PDF (PAdES B-LT/B-LTA) is used
          --json                Print one JSON report per file (indications, sub-indications, signer, level, problems) as an array
          --at <time>           Validate as of this time (ISO 8601, e.g. 2024-05-01T09:00:00Z) instead of now: for old files whose
                                certificates have since expired; a timestamp later than that time proves nothing
          -?, -h, --help        Show help and usage information

        Exit codes:
          0  every signature of every file is TOTAL_PASSED
          1  anything else: a signature failed or is indeterminate, a file is unsigned or unreadable
          2  usage error (no files, unknown option, unreadable trust anchor)
        """;

    /// <summary>Args start after "verify". Parsed by hand so every usage error maps to exit code 2.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var files = new List<string>();
        var anchorFiles = new List<string>();
        bool json = false, online = false;
        DateTimeOffset? at = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--online": online = true; break;
                case "--at":
                    if (i + 1 >= args.Length) return await UsageError(stderr, "--at needs a time");
                    if (!DateTimeOffset.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture,
                            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed))
                        return await UsageError(stderr, $"--at '{args[i]}' is not a time (use ISO 8601, e.g. 2024-05-01T09:00:00Z)");
                    at = parsed;
                    break;
                case "--trust-anchor":
                    if (i + 1 >= args.Length) return await UsageError(stderr, "--trust-anchor needs a PEM file");
                    anchorFiles.Add(args[++i]);
                    break;
                case "-h" or "--help" or "-?":
                    await stdout.WriteLineAsync(HelpText);
                    return AllPassed;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    return await UsageError(stderr, $"unknown option '{a}'");
                default: files.Add(args[i]); break;
            }
        }
        if (files.Count == 0) return await UsageError(stderr, "no files to verify");

        var anchors = new List<X509Certificate2>();
        foreach (var pem in anchorFiles)
        {
            try
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPemFile(pem);
                if (collection.Count == 0) return await UsageError(stderr, $"no certificate in trust anchor file '{pem}'");
                anchors.AddRange(collection);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return await UsageError(stderr, $"cannot read trust anchor '{pem}': {e.Message}");
            }
        }

        var options = new ValidationOptions
        {
            TrustAnchors = anchors,
            Revocation = online ? RevocationMode.Online : RevocationMode.Offline,
            ValidationTime = at,
        };
        var validator = new PdfSignatureValidator();
        var exit = AllPassed;
        var reports = new List<string>();
        foreach (var file in files)
        {
            ValidationReport report;
            try
            {
                await using var stream = File.OpenRead(file);
                report = await validator.ValidateAsync(stream, options, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable path is a failed verification of that file, not a usage error: the others still run.
                exit = NotAllPassed;
                await stderr.WriteLineAsync($"{file}: cannot read: {e.Message}");
                if (json) reports.Add($"{{\"file\": {System.Text.Json.JsonSerializer.Serialize(file)}, \"error\": {System.Text.Json.JsonSerializer.Serialize(e.Message)}}}");
                continue;
            }
            if (!AllSignaturesPassed(report)) exit = NotAllPassed;
            if (json) reports.Add(ReportRenderer.ToJson(report));
            else await stdout.WriteAsync(Describe(file, report));
        }
        if (json) await stdout.WriteLineAsync("[" + string.Join(",\n", reports) + "]");
        return exit;
    }

    /// <summary>An unsigned file has nothing that passed, so it is not "all passed".</summary>
    public static bool AllSignaturesPassed(ValidationReport report) =>
        report.Signatures.Count > 0 && report.DocumentIndication == Indication.TOTAL_PASSED &&
        report.Signatures.All(s => s.Indication == Indication.TOTAL_PASSED);

    private static string Describe(string file, ValidationReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{file}: {r.DocumentIndication}{(r.DocumentSubIndication == SubIndication.NONE ? "" : "/" + r.DocumentSubIndication)} ({r.Signatures.Count} signature(s), validated as of {r.ValidationTime:u})");
        if (r.Explanation.En.Length > 0) sb.AppendLine("  " + r.Explanation.En);
        foreach (var p in r.Problems) sb.AppendLine("  problem: " + p);
        foreach (var s in r.Signatures)
        {
            sb.AppendLine($"  - {s.FieldName ?? "(unnamed)"}: {s.Indication}/{s.SubIndication} signer={s.Signer ?? "?"} level={s.Level ?? "?"} revision={s.Revision}");
            if (s.Explanation.En.Length > 0) sb.AppendLine("    " + s.Explanation.En);
            foreach (var c in s.ChangesAfterSigning) sb.AppendLine($"    change (revision {c.Revision}, {(c.Allowed ? "allowed" : "NOT allowed")}): {c.Description}");
            foreach (var c in s.Checks) sb.AppendLine("    check: " + c);
        }
        return sb.ToString();
    }

    private static async Task<int> UsageError(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync("error: " + message);
        await stderr.WriteLineAsync(UsageText);
        return Usage;
    }
}

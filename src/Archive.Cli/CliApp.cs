using System.CommandLine;
using Archive.Cli.Audit;

namespace Archive.Cli;

/// <summary>
/// The <c>archive</c> command line: batch work on the archive (sign, verify, audit, disposition, backup and restore). The composition
/// point: each feature contributes one top-level command here.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for command-line usage errors (unknown command, missing or malformed option).</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Every command, as <c>archive --help</c> lists them. <c>sign</c> and <c>verify</c> are dispatched before parsing
    /// (in RunAsync), so here they serve the listing; their own <c>--help</c> is complete.
    /// </summary>
    public static RootCommand CreateRoot(TextWriter output, TextWriter error) =>
        new("archive: batch work on the archive: sign and verify PDFs, audit the store, propose disposition, back up and restore, ingest a delivery of scans, run a digitization worker. " +
            "Run 'archive <command> --help' for a command's options and exit codes.")
        {
            SignCommand.Create(),
            new Command("verify", Verification.VerifyCommand.Description),
            AuditCommand.Create(output, error),
            Disposition.DispositionCommand.Create(output, error),
            Backup.BackupCommand.Create(output, error),
            Backup.RestoreCommand.Create(output, error),
            Ingest.IngestCommand.Create(output, error),
            Worker.WorkerCommand.Create(output, error),
        };

    public static int Run(string[] args) => RunAsync(args, Console.Out, Console.Error).GetAwaiter().GetResult();

    /// <summary>Runs with the given writers, so tests (and hosts) can capture the output.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        // archive sign parses its own arguments so that every usage error exits 2 (Signing/SignCommand.cs).
        if (args is ["sign", ..]) return SignCommand.Run(args);
        // archive verify parses its own arguments too: "no files" must be exit 2, unreadable files exit 1.
        if (args is ["verify", .. var rest]) return await Verification.VerifyCommand.RunAsync(rest, output, error, ct);
        var parsed = CreateRoot(output, error).Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error };
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("run 'archive --help' for usage");
            return UsageError;
        }
        // A bare group command ("archive audit") has no action of its own: that is a usage error.
        if (parsed.Action is null)
        {
            await error.WriteLineAsync($"'{parsed.CommandResult.Command.Name}' needs a subcommand; run with --help for usage");
            return UsageError;
        }
        return await parsed.InvokeAsync(config, ct);
    }
}

using System.CommandLine;
using System.Diagnostics;

namespace Archive.Cli.Worker;

/// <summary>
/// <c>archive worker [--host Archive.Api.dll] [--workers N] [--health-port P]</c>: a digitization worker node. It runs the
/// archive's own host (the API host's composition: event store, content store, signing identity, Wolverine) with its workers
/// on and its HTTP side on the loopback only (health checks; nothing public), as many items at a time as the machine has
/// cores unless <c>--workers</c> says otherwise. Database and content store come from the same settings as the API host
/// (<c>ConnectionStrings__Archive</c>, <c>Archive__DataFolder</c> or <c>Archive__Content__Root</c>): every node must see the
/// same ones. Exit code is the host's; Ctrl+C stops it (the item in hand goes back to the queue for another worker).
/// </summary>
public static class WorkerCommand
{
    public const string HostVariable = "ARCHIVE_API_HOST";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var host = new Option<FileInfo?>("--host") { Description = $"The archive host (Archive.Api.dll); default ${HostVariable}, or the repository's Release build found from the current folder up" };
        var workers = new Option<int?>("--workers") { Description = "Items run at once (default: one per core)" };
        var port = new Option<int>("--health-port") { Description = "Loopback port of the node's health endpoint (0: any free port)", DefaultValueFactory = _ => 0 };
        var command = new Command("worker", "Run a digitization worker node (OCR, PDF/A, signature) on this machine; exit code is the host's")
        {
            host, workers, port,
        };
        command.SetAction(async (parse, ct) =>
        {
            var dll = parse.GetValue(host)?.FullName ?? FindHost();
            if (dll is null || !File.Exists(dll))
            {
                await error.WriteLineAsync($"Không tìm thấy Archive.Api.dll / The archive host was not found: give --host or set {HostVariable}.");
                return CliApp.UsageError;
            }
            if (parse.GetValue(workers) is < 1)
            {
                await error.WriteLineAsync("--workers must be at least 1");
                return CliApp.UsageError;
            }
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
            psi.ArgumentList.Add(dll);
            foreach (var (k, v) in Settings(parse.GetValue(workers), parse.GetValue(port))) psi.Environment[k] = v;
            using var process = Process.Start(psi)!;
            await output.WriteLineAsync($"worker node: process {process.Id}, host {dll}");
            try { await process.WaitForExitAsync(ct); }
            catch (OperationCanceledException)
            {
                // Ctrl+C reaches the host too (same process group); give it its shutdown time, then stop it.
                if (!process.WaitForExit(TimeSpan.FromSeconds(30))) process.Kill(entireProcessTree: true);
            }
            return process.HasExited ? process.ExitCode : 1;
        });
        return command;
    }

    /// <summary>The environment that makes the archive host a worker-only node (the caller's own settings pass through).</summary>
    public static Dictionary<string, string> Settings(int? workers, int healthPort)
    {
        var settings = new Dictionary<string, string>
        {
            ["Archive__Digitization__WorkersEnabled"] = "true",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{healthPort}",
        };
        if (workers is { } n) settings["Archive__Digitization__Workers"] = n.ToString();
        return settings;
    }

    private static string? FindHost()
    {
        if (Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Archive.Api", "bin", "Release", "net10.0", "Archive.Api.dll");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

using System.Diagnostics;
using Archive.EventStore.Hosting;
using Npgsql;

namespace Archive.Cli.Backup;

/// <summary>pg_dump and pg_restore of the machine's PostgreSQL, given the archive's connection (password through the environment, never the command line).</summary>
internal static class PgTools
{
    public static Task DumpAsync(string connectionString, string snapshot, string file, CancellationToken ct) =>
        RunAsync("pg_dump", connectionString, ["--snapshot=" + snapshot, "--format=custom", "--compress=6", "--file=" + file], ct);

    public static Task RestoreAsync(string connectionString, string file, CancellationToken ct) =>
        RunAsync("pg_restore", connectionString, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", file], ct);

    private static async Task RunAsync(string tool, string connectionString, IReadOnlyList<string> args, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var psi = new ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinaries(), tool))
        {
            RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = "/",
        };
        foreach (var a in new[] { "--host=" + (cs.Host ?? "127.0.0.1"), "--port=" + cs.Port, "--username=" + cs.Username, "--dbname=" + cs.Database })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (!string.IsNullOrEmpty(cs.Password)) psi.Environment["PGPASSWORD"] = cs.Password;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        var stderr = p.StandardError.ReadToEndAsync(ct);
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new IOException($"{tool} failed with exit code {p.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}".Trim());
    }
}

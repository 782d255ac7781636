using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Archive.EventStore.Hosting;

/// <summary>
/// A private PostgreSQL cluster started from the machine's own PostgreSQL binaries, in a
/// folder of ours, listening only on 127.0.0.1 with a port and socket directory of its own.
/// PostgreSQL refuses to run as root, so when we are root the cluster is owned by and run as
/// the <c>postgres</c> system user through <c>runuser</c>.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string SuperUser = "archive";

    private readonly string _dataDir;
    private readonly bool _stopOnDispose;
    private readonly IDictionary<string, string>? _settings;

    private EmbeddedPostgres(string root, int port, string password, bool stopOnDispose, IDictionary<string, string>? settings)
    {
        Root = root;
        _dataDir = Path.Combine(root, "data");
        Port = port;
        Password = password;
        _stopOnDispose = stopOnDispose;
        _settings = settings;
    }

    /// <summary>Folder holding the cluster (data/, the password file and the log).</summary>
    public string Root { get; }
    public int Port { get; }

    /// <summary>Generated superuser password; kept in a 0600 file, never logged.</summary>
    internal string Password { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={Password};Database={database};" +
        "Pooling=true;Maximum Pool Size=100;Timeout=30;Command Timeout=300";

    /// <summary>
    /// Starts the cluster in <paramref name="root"/>, creating it first when the folder is new,
    /// or attaches to it when it is already running (several processes may share one cluster:
    /// a cross-process lock file serializes start-up).
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(string root, bool stopOnDispose = true,
        int? port = null, IDictionary<string, string>? settings = null, Action<string>? log = null,
        CancellationToken ct = default)
    {
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        log ??= _ => { };
        using var startLock = await AcquireFileLockAsync(Path.Combine(root, "start.lock"), ct);

        var bin = FindBinaries();
        var dataDir = Path.Combine(root, "data");
        var passwordFile = Path.Combine(root, "superuser.password");
        var asPostgres = Environment.UserName == "root" || Environment.IsPrivilegedProcess;

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            log($"Creating a private PostgreSQL cluster in {dataDir}");
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            await WriteSecretAsync(passwordFile, password, asPostgres);
            Directory.CreateDirectory(dataDir);
            if (asPostgres) await ChownAsync("postgres", dataDir, root);
            await RunAsync(asPostgres, Path.Combine(bin, "initdb"),
                ["-D", dataDir, "-U", SuperUser, "--auth=scram-sha-256", $"--pwfile={passwordFile}",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);
        }

        var pw = (await File.ReadAllTextAsync(passwordFile, ct)).Trim();
        var running = ReadRunningPort(dataDir);
        if (running is { } runningPort && await CanConnectAsync(runningPort))
        {
            log($"Attached to the running private PostgreSQL on port {runningPort}");
            return new EmbeddedPostgres(root, runningPort, pw, stopOnDispose: false, settings);
        }

        var chosen = port ?? FreePort();
        await StartServerAsync(root, chosen, settings, asPostgres, ct);
        log($"Started a private PostgreSQL on 127.0.0.1:{chosen} (data in {dataDir})");
        return new EmbeddedPostgres(root, chosen, pw, stopOnDispose, settings);
    }

    /// <summary>Whether the server accepts TCP connections on its port (a killed postmaster's port closes at once).</summary>
    public Task<bool> IsAcceptingConnectionsAsync() => CanConnectAsync(Port);

    /// <summary>
    /// Starts the cluster again on the same port with the same settings after it died (a crash, <c>kill -9</c>),
    /// unless another process sharing it already did. Throws when PostgreSQL will not start yet (for example while
    /// the dead postmaster's backends still hold its shared memory): the caller retries with a backoff.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        using var startLock = await AcquireFileLockAsync(Path.Combine(Root, "start.lock"), ct);
        if (await CanConnectAsync(Port)) return;
        var asPostgres = Environment.UserName == "root" || Environment.IsPrivilegedProcess;
        await StartServerAsync(Root, Port, _settings, asPostgres, ct);
    }

    private static async Task StartServerAsync(string root, int port, IDictionary<string, string>? settings, bool asPostgres, CancellationToken ct)
    {
        var options = new List<string>
        {
            // The socket goes to /tmp: a socket path inside a deep checkout can exceed the 107-byte limit.
            $"-p {port}", "-k /tmp", "-c listen_addresses=127.0.0.1", "-c max_connections=300",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) options.Add($"-c {k}={v}");
        var logFile = Path.Combine(root, "postgres.log");
        if (asPostgres && !File.Exists(logFile)) { await File.WriteAllTextAsync(logFile, "", ct); await ChownAsync("postgres", logFile); }
        await RunAsync(asPostgres, Path.Combine(FindBinaries(), "pg_ctl"),
            ["-D", Path.Combine(root, "data"), "-l", logFile, "-w", "-t", "60", "-o", string.Join(' ', options), "start"], ct);
    }

    /// <summary>Creates a database when it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString());
        await conn.OpenAsync(ct);
        await using var check = new Npgsql.NpgsqlCommand("select 1 from pg_database where datname = $1", conn);
        check.Parameters.AddWithValue(name);
        if (await check.ExecuteScalarAsync(ct) is not null) return;
        await using var create = new Npgsql.NpgsqlCommand($"create database \"{name.Replace("\"", "\"\"")}\"", conn);
        try { await create.ExecuteNonQueryAsync(ct); }
        catch (Npgsql.PostgresException e) when (e.SqlState is "42P04" or "23505") { /* created by a racing process */ }
    }

    public async Task StopAsync()
    {
        var asPostgres = Environment.UserName == "root" || Environment.IsPrivilegedProcess;
        await RunAsync(asPostgres, Path.Combine(FindBinaries(), "pg_ctl"), ["-D", _dataDir, "-m", "fast", "-w", "stop"], default);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopOnDispose) await StopAsync();
    }

    /// <summary>Directory of the highest installed PostgreSQL's server binaries.</summary>
    public static string FindBinaries()
    {
        var env = Environment.GetEnvironmentVariable("ARCHIVE_PG_BIN");
        if (!string.IsNullOrEmpty(env)) return env;
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var best = Directory.GetDirectories(debian)
                .Select(d => (dir: d, ok: int.TryParse(Path.GetFileName(d), out var v), v))
                .Where(x => x.ok && File.Exists(Path.Combine(x.dir, "bin", "pg_ctl")))
                .OrderByDescending(x => x.v).FirstOrDefault();
            if (best.dir is not null) return Path.Combine(best.dir, "bin");
        }
        foreach (var p in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (File.Exists(Path.Combine(p, "initdb"))) return p;
        throw new InvalidOperationException(
            "PostgreSQL server binaries not found (install the postgresql package, or set ARCHIVE_PG_BIN).");
    }

    private static int? ReadRunningPort(string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], out var p) ? p : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException) { return false; }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task WriteSecretAsync(string path, string secret, bool forPostgres)
    {
        await File.WriteAllTextAsync(path, secret + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // initdb runs as postgres and must read the password file; the file stays 0600.
        if (forPostgres) await ChownAsync("postgres", path);
    }

    private static Task ChownAsync(string user, params string[] paths) =>
        RunAsync(false, "chown", ["-R", user, .. paths], default);

    private static async Task RunAsync(bool asPostgres, string file, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = asPostgres ? new ProcessStartInfo("runuser") : new ProcessStartInfo(file);
        if (asPostgres) { psi.ArgumentList.Add("-u"); psi.ArgumentList.Add("postgres"); psi.ArgumentList.Add("--"); psi.ArgumentList.Add(file); }
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = "/";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} failed with exit code {p.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { await Task.Delay(100, ct); }
        }
    }
}

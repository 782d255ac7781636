using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Archive.Api.Hosting;
using Archive.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Archive.Api.Tests;

/// <summary>
/// What a first start leaves on disk and in the log: the bootstrap admin key only in its owner-only file, and the
/// data folder and content store readable by the archive's own account alone (issue 15).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class secrets_at_rest(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task the_bootstrap_admin_key_is_written_only_to_its_owner_only_file_and_the_log_says_where_not_what()
    {
        var folder = Path.Combine(Path.GetTempPath(), "archive-secrets-" + Guid.NewGuid().ToString("N"));
        // A database of its own: the bootstrap key is minted only where no admin key exists yet.
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var logged = new CapturingLoggerProvider();
        var console = new StringWriter();
        var original = Console.Out;
        // Whatever the host prints to the console is captured too (and still shown).
        Console.SetOut(new TeeWriter(original, console));
        try
        {
            await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
                .UseSetting("ConnectionStrings:Archive", connectionString)
                .UseSetting("Archive:DataFolder", folder)
                .UseSetting("Archive:Signing:PrepareAtStartup", "false")
                .ConfigureLogging(l => l.AddProvider(logged)));
            _ = host.Server;
        }
        finally { Console.SetOut(original); }

        var path = Path.Combine(folder, ApiStartup.AdminKeyFile);
        var key = (await File.ReadAllTextAsync(path)).Trim();
        key.Length.ShouldBeGreaterThan(20);
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var everything = console + string.Join('\n', logged.Lines);
        everything.ShouldContain(path);
        everything.ShouldNotContain(key);
        everything.ShouldNotContain(key[^16..]);
        Directory.Delete(folder, recursive: true);
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task the_data_folder_and_content_store_are_owner_only_and_an_older_world_readable_folder_is_tightened_at_start()
    {
        var folder = Path.Combine(Path.GetTempPath(), "archive-secrets-" + Guid.NewGuid().ToString("N"));
        const UnixFileMode open = (UnixFileMode)0b111_101_101, openFile = (UnixFileMode)0b110_100_100;
        var oldBlobFolder = Path.Combine(folder, "content", "ab", "cd");
        Directory.CreateDirectory(oldBlobFolder);
        var oldBlob = Path.Combine(oldBlobFolder, "ab" + "cd" + new string('0', 60));
        await File.WriteAllTextAsync(oldBlob, "scan of a secret record");
        var oldKey = Path.Combine(folder, "signing", "old.pem");
        Directory.CreateDirectory(Path.GetDirectoryName(oldKey)!);
        await File.WriteAllTextAsync(oldKey, "-----BEGIN PRIVATE KEY-----");
        foreach (var d in new[] { folder, Path.Combine(folder, "content"), Path.Combine(folder, "content", "ab"), oldBlobFolder, Path.GetDirectoryName(oldKey)! })
            File.SetUnixFileMode(d, open);
        File.SetUnixFileMode(oldBlob, openFile);
        File.SetUnixFileMode(oldKey, openFile);

        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Archive", database.ConnectionString)
            .UseSetting("Archive:DataFolder", folder)
            .UseSetting("Archive:Signing:PrepareAtStartup", "false"));
        var admin = host.Services.GetRequiredService<Archive.Api.Infrastructure.Auth.ApiKeyStore>();
        var key = await admin.CreateAsync("test admin", Archive.Api.Infrastructure.Auth.Roles.Admin, true, "test", default);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(Archive.Api.Infrastructure.Auth.ApiKeyAuthentication.Header, key.Key);
        var uploaded = await client.PostAsync("/api/v1/blobs", Support.ApiFixture.Bytes(Support.PdfSamples.Scan(300, true, fill: 0x31), "application/pdf"));
        uploaded.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var sha = (await uploaded.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sha256").GetString()!;

        const UnixFileMode folderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode fileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var blob = Path.Combine(folder, "content", sha[..2], sha[2..4], sha);
        File.GetUnixFileMode(blob).ShouldBe(fileMode);
        foreach (var d in new[] { folder, Path.Combine(folder, "content"), Path.Combine(folder, "content", sha[..2]), Path.GetDirectoryName(blob)!,
                     oldBlobFolder, Path.GetDirectoryName(oldKey)! })
            File.GetUnixFileMode(d).ShouldBe(folderMode, d);
        File.GetUnixFileMode(oldBlob).ShouldBe(fileMode);
        File.GetUnixFileMode(oldKey).ShouldBe(fileMode);
        Directory.Delete(folder, recursive: true);
    }

    private sealed class TeeWriter(TextWriter a, TextWriter b) : TextWriter
    {
        public override Encoding Encoding => a.Encoding;
        public override void Write(char value) { lock (b) { a.Write(value); b.Write(value); } }
        public override void Write(string? value) { lock (b) { a.Write(value); b.Write(value); } }
        public override void WriteLine(string? value) { lock (b) { a.WriteLine(value); b.WriteLine(value); } }
    }
}

/// <summary>Keeps every formatted log line (with its exception) of a host.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

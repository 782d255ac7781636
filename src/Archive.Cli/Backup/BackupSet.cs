using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Archive.Cli.Backup;

public sealed record BackupBlob(string Sha256, long Bytes, string Set);
public sealed record BackupFile(string Path, string Sha256, long Bytes);

public sealed record BackupDatabase(string Name, string ServerVersion, long Events, long Streams, long LastPosition, BackupFile Dump);

/// <summary>
/// What one backup set (bộ sao lưu) holds, written last as <c>manifest.json</c>: the database dump taken at one snapshot,
/// every content blob the database referenced at that snapshot (copied into this set, or, for an incremental set,
/// found in an earlier set of the same chain), the keys and signing identity, each with its SHA-256.
/// </summary>
public sealed record BackupManifest(
    int Format, string Set, string Kind, string? Base, DateTimeOffset CreatedAt, string Snapshot, string Operator,
    BackupDatabase Database, IReadOnlyList<BackupBlob> Blobs, IReadOnlyList<BackupFile> Keys, int ShreddedStreams)
{
    public const string FileName = "manifest.json";
    public const string Full = "full", Incremental = "incremental";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static BackupManifest Read(string setFolder) =>
        JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(Path.Combine(setFolder, FileName)), Json)
        ?? throw new InvalidDataException($"{setFolder}: empty manifest");
}

/// <summary>Naming, listing and file handling of backup sets in a target folder (<c>TARGET/20261206T124012.345Z-full/</c>).</summary>
public static partial class BackupSets
{
    /// <summary>The rules' days and months are Vietnam's (UTC+7): the monthly full backup is due on the 1st there.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>The set's name from its time, to the millisecond: two backups started within one second get two sets.</summary>
    public static string NameFor(DateTimeOffset at, string kind) =>
        at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture) + (kind == BackupManifest.Full ? "-full" : "-incr");

    /// <summary>Complete sets (with a manifest) in a target, oldest first.</summary>
    public static IReadOnlyList<string> List(string target) => !Directory.Exists(target) ? []
        : Directory.GetDirectories(target).Where(d => SetName().IsMatch(Path.GetFileName(d)) && File.Exists(Path.Combine(d, BackupManifest.FileName)))
            .Order(StringComparer.Ordinal).ToList();

    public static string BlobPath(string setFolder, string sha) => Path.Combine(setFolder, "content", sha[..2], sha[2..4], sha);

    /// <summary>Copies a file, hashing it on the way, into a new owner-only file (folders owner-only too); returns its SHA-256.</summary>
    public static async Task<(string Sha256, long Bytes)> CopyAsync(string source, string destination, CancellationToken ct)
    {
        CreateOwnerOnlyDirectory(Path.GetDirectoryName(destination)!);
        var temp = destination + ".part";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        long bytes = 0;
        string sha;
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        await using (var output = new FileStream(temp, options))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await input.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n), ct);
                bytes += n;
            }
            output.Flush(flushToDisk: true);
            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        File.Move(temp, destination, overwrite: true);
        return (sha, bytes);
    }

    public static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(f, ct));
    }

    /// <summary>Creates the folder and any missing parent owner-only (a set holds the whole archive, keys included).</summary>
    public static void CreateOwnerOnlyDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(path); return; }
        if (Path.GetDirectoryName(path) is { } parent) CreateOwnerOnlyDirectory(parent);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public static void MakeOwnerOnly(string file)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [GeneratedRegex(@"^\d{8}T\d{6}(\.\d{3})?Z-(full|incr)$")]
    private static partial Regex SetName();
}

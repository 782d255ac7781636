using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Archive.Api.Hosting;
using Microsoft.Extensions.Options;

namespace Archive.Api.Infrastructure.Content;

/// <summary>
/// Blobs at <c>root/ab/cd/&lt;sha256&gt;</c>. Writes go to a temp file in the root (same file
/// system, so the final rename is atomic) while hashing; the file is fsynced, renamed into
/// place (or dropped when the blob already exists) and the directory fsynced, so a crash
/// leaves either the whole blob or nothing under its name. Folders are 0700 and blobs 0600
/// (<see cref="OwnerOnly"/>).
/// </summary>
public sealed class FileSystemContentStore : IContentStore
{
    internal const string TempPrefix = ".tmp-";
    private readonly ContentStoreOptions _options;

    public FileSystemContentStore(IOptions<ContentStoreOptions> options)
    {
        _options = options.Value;
        // Scans of secret (03) records live here: owner-only, also when the store is older than the rule.
        OwnerOnly.TightenFolders(_options.Root, depth: 2);
    }

    public string Root => _options.Root;

    public async Task<StoredBlob> PutAsync(Stream content, CancellationToken ct)
    {
        var temp = Path.Combine(_options.Root, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            string sha, mediaType;
            long size = 0;
            await using (var file = new FileStream(temp, OwnerOnly.NewFile(FileMode.CreateNew, FileAccess.Write, FileOptions.Asynchronous, 1 << 16)))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                var head = await ReadHeadAsync(content, buffer, ct);
                mediaType = ContentSniffer.Sniff(buffer.AsSpan(0, head)) ?? throw new UnsupportedContentException();
                var n = head;
                while (n > 0)
                {
                    size += n;
                    if (size > _options.MaxBytes) throw new ContentTooLargeException(_options.MaxBytes);
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                    n = await content.ReadAsync(buffer, ct);
                }
                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var target = PathFor(sha);
            var dir = Path.GetDirectoryName(target)!;
            OwnerOnly.CreateFolder(dir);
            if (File.Exists(target))
            {
                File.Delete(temp);
                return new StoredBlob(sha, size, mediaType, AlreadyExisted: true);
            }
            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // A concurrent writer stored the same bytes first: same hash, same content.
                File.Delete(temp);
                return new StoredBlob(sha, size, mediaType, AlreadyExisted: true);
            }
            FsyncDirectory(dir);
            return new StoredBlob(sha, size, mediaType, AlreadyExisted: false);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(string sha256, CancellationToken ct)
    {
        if (!IsSha256(sha256)) return null;
        var path = PathFor(sha256);
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        return new BlobInfo(sha256, info.Length, await SniffFileAsync(path, ct) ?? "application/octet-stream",
            new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct)
    {
        if (!IsSha256(sha256)) return Task.FromResult<Stream?>(null);
        try
        {
            Stream s = new FileStream(PathFor(sha256), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
            return Task.FromResult<Stream?>(s);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> DeleteAsync(string sha256, CancellationToken ct)
    {
        if (!IsSha256(sha256)) return Task.FromResult(false);
        var path = PathFor(sha256);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        FsyncDirectory(Path.GetDirectoryName(path)!);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var path in Directory.EnumerateFiles(_options.Root, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            if (!IsSha256(name) || PathFor(name) != path) continue;
            var info = await GetInfoAsync(name, ct);
            if (info is not null) yield return info;
        }
    }

    /// <summary>Temp files left by a crash, with their age; the sweeper removes old ones.</summary>
    internal IEnumerable<FileInfo> TempFiles() =>
        new DirectoryInfo(_options.Root).EnumerateFiles(TempPrefix + "*", SearchOption.TopDirectoryOnly);

    public string PathFor(string sha256) => Path.Combine(_options.Root, sha256[..2], sha256[2..4], sha256);

    public static bool IsSha256(string s) => s.Length == 64 && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static async Task<int> ReadHeadAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        // Network streams return short reads; the sniffer needs the first few bytes together.
        var total = 0;
        while (total < ContentSniffer.BytesNeeded)
        {
            var n = await content.ReadAsync(buffer.AsMemory(total), ct);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static async Task<string?> SniffFileAsync(string path, CancellationToken ct)
    {
        await using var f = File.OpenRead(path);
        var head = new byte[ContentSniffer.BytesNeeded];
        var n = await f.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        return ContentSniffer.Sniff(head.AsSpan(0, n));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void FsyncDirectory(string dir)
    {
        // .NET cannot open a directory as a FileStream; the rename is only durable once the
        // directory entry is flushed, so call fsync(2) on it directly.
        if (OperatingSystem.IsWindows()) return;
        var fd = open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { fsync(fd); } finally { close(fd); }
    }

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);
}

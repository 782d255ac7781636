using System.Diagnostics;

namespace Archive.Api.Hosting;

/// <summary>
/// The archive's files are readable by its own account only: folders 0700, files 0600 (scans of regime 03 records,
/// keys, the admin key). Folders and files are created that way, and a data folder or content store from before
/// this rule is tightened once at start (a marker file records it, so millions of blobs are not walked at every
/// start). When the archive runs as root with its private PostgreSQL, that cluster runs as the <c>postgres</c> user
/// inside the data folder, so the data folder itself is 0710 with group <c>postgres</c>: that user may pass through
/// it to its own folder, nobody else may enter, and nobody but the owner may list it.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string Marker = ".owner-only";

    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(path); return; }
        if (Directory.Exists(path)) return;
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; missing parents are made here.
        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null) CreateFolder(parent);
        Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Options for a new file created 0600 (the mode is applied at creation, before any byte is written).</summary>
    public static FileStreamOptions NewFile(System.IO.FileMode mode, FileAccess access, FileOptions options = FileOptions.None, int bufferSize = 4096)
    {
        var o = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, Options = options, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows()) o.UnixCreateMode = FileMode;
        return o;
    }

    /// <summary>
    /// The data folder: created owner-only, its contents tightened once (PostgreSQL's own folder <c>pg</c> is left to
    /// PostgreSQL, which keeps its data 0700), and itself 0700 or, shared with a private cluster run as postgres, 0710.
    /// </summary>
    public static void SecureDataFolder(string dataFolder, bool sharedWithPostgres)
    {
        CreateFolder(dataFolder);
        if (OperatingSystem.IsWindows()) return;
        TightenOnce(dataFolder, skip: "pg");
        if (!sharedWithPostgres) File.SetUnixFileMode(dataFolder, FolderMode);
        // Without a postgres group, others may pass through (0711) but list and read nothing: every entry is owner-only.
        else File.SetUnixFileMode(dataFolder, FolderMode | UnixFileMode.GroupExecute |
            (TryChangeGroup(dataFolder, "postgres") ? 0 : UnixFileMode.OtherExecute));
    }

    /// <summary>Folders 0700 and files 0600 under <paramref name="root"/> (except the top-level folder <paramref name="skip"/>), once.</summary>
    public static void TightenOnce(string root, string? skip = null)
    {
        if (OperatingSystem.IsWindows()) return;
        CreateFolder(root);
        File.SetUnixFileMode(root, FolderMode);
        var marker = Path.Combine(root, Marker);
        if (File.Exists(marker)) return;
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
        {
            if (skip is not null && entry.Name == skip && entry is DirectoryInfo) continue;
            Tighten(entry);
        }
        using (new FileStream(marker, NewFile(System.IO.FileMode.Create, FileAccess.Write))) { }
    }

    /// <summary>
    /// A content store's folders (the root and its <c>ab/cd</c> levels) 0700 at every start: cheap, and files behind
    /// them cannot be reached by others whatever their own mode. No marker file: the store holds only blobs.
    /// </summary>
    public static void TightenFolders(string root, int depth)
    {
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(root); return; }
        CreateFolder(root);
        File.SetUnixFileMode(root, FolderMode);
        if (depth == 0) return;
        foreach (var dir in new DirectoryInfo(root).EnumerateDirectories())
            if (dir.LinkTarget is null) TightenFolders(dir.FullName, depth - 1);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(FileSystemInfo entry)
    {
        if (entry.LinkTarget is not null) return; // never follow a link out of the folder
        if (entry is DirectoryInfo dir)
        {
            File.SetUnixFileMode(dir.FullName, FolderMode);
            foreach (var child in dir.EnumerateFileSystemInfos()) Tighten(child);
        }
        else File.SetUnixFileMode(entry.FullName, FileMode);
    }

    private static bool TryChangeGroup(string path, string group)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("chgrp", [group, path]) { RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return false;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}

namespace Archive.Api.Infrastructure.Shredding;

/// <summary>
/// The master key (khóa chủ) that wraps every record's data key. From configuration
/// (<c>Archive:Encryption:MasterKey</c>, base64 of 32 bytes: several instances on one database must share it),
/// else from <c>master.key</c> in the data folder, created owner-only (0600) on first start. It is never
/// stored in the database, logged or returned; losing it makes every protected record unreadable, so it is
/// backed up apart from the database (docs/architecture.md "Encryption and crypto-shredding").
/// </summary>
public static class MasterKey
{
    public const string ConfigKey = "Archive:Encryption:MasterKey";
    public const string FileName = "master.key";

    public static byte[] Load(IConfiguration config, string dataFolder)
    {
        if (config[ConfigKey] is { Length: > 0 } configured) return Decode(configured, ConfigKey);
        var path = Path.Combine(dataFolder, FileName);
        if (!File.Exists(path))
        {
            var fresh = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var f = new FileStream(path, options);
                using var w = new StreamWriter(f);
                w.Write(Convert.ToBase64String(fresh) + Environment.NewLine);
            }
            catch (IOException) when (File.Exists(path)) { /* another instance created it first: use theirs */ }
        }
        return Decode(File.ReadAllText(path).Trim(), path);
    }

    private static byte[] Decode(string base64, string source) =>
        Archive.EventStore.Encryption.StreamEncryptionOptions.TryDecodeMasterKey(base64, out var key) ? key
            : throw new InvalidOperationException($"The master key in {source} must be 32 bytes in base64.");
}

namespace Archive.Cli.Disposition;

/// <summary>Reads the archive's master key file (khóa chủ): 32 bytes in base64, as the API writes it.</summary>
internal static class MasterKeyFile
{
    public static bool TryRead(FileInfo file, out byte[] key, out string? problem)
    {
        key = [];
        problem = null;
        string text;
        try { text = File.ReadAllText(file.FullName); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read {file.FullName}: {e.Message}";
            return false;
        }
        if (Archive.EventStore.Encryption.StreamEncryptionOptions.TryDecodeMasterKey(text, out key)) return true;
        // The file's content is a secret: never echo it.
        problem = $"{file.FullName} does not hold a 32-byte key in base64";
        return false;
    }
}

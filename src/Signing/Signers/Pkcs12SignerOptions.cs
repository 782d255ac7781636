namespace Signing.Signers;

/// <summary>
/// Configuration shape for a PKCS#12 signer. Give the password either inline (e.g. from a secret
/// configuration provider) or as a file path (e.g. a mounted secret); the file wins when both are set.
/// </summary>
public sealed record Pkcs12SignerOptions
{
    public required string Path { get; init; }
    public string? Password { get; init; }
    public string? PasswordFile { get; init; }
    public SignatureScheme? Scheme { get; init; }

    public Pkcs12Signer Create()
    {
        if (!File.Exists(Path)) throw new SignerConfigurationException($"PKCS#12 file not found: {Path}");
        if (PasswordFile is not null) return Pkcs12Signer.FromFiles(Path, PasswordFile, Scheme);
        return Pkcs12Signer.FromFile(Path, Password ?? throw new SignerConfigurationException("No PKCS#12 password or password file configured."), Scheme);
    }
}

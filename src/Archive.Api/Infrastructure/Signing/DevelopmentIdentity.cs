using System.Security.Cryptography;
using Signing.Development;

namespace Archive.Api.Infrastructure.Signing;

/// <summary>
/// The embedded default identity: a DEVELOPMENT root and issuing CA, an organization certificate and a timestamp
/// authority, created on first run in <paramref name="Folder"/> (PKCS#12 files and a password file, all mode 0600,
/// plus the public root as PEM to import into a PDF reader) and reused on later starts. Revocation (OCSP) and
/// timestamps are answered in process, so it works with no network. Never for production signatures.
/// </summary>
public sealed record DevelopmentIdentity(string Folder, string Password, DevelopmentPki Pki, ILogger Log)
{
    public const string PasswordFileName = "password";

    /// <summary>Written into the certificates' AIA; never resolved (answered in process), ".invalid" by RFC 6761.</summary>
    public static readonly Uri OcspUrl = new("http://development-pki.invalid/ocsp");

    public static DevelopmentIdentity OpenOrCreate(string folder, string organizationName, ILogger log)
    {
        var passwordFile = Path.Combine(folder, PasswordFileName);
        if (DevelopmentPki.Exists(folder) && File.Exists(passwordFile))
        {
            var password = File.ReadAllText(passwordFile).Trim();
            var pki = DevelopmentPki.Load(folder, password, OcspUrl);
            log.LogWarning("Signing: using the DEVELOPMENT signing identity in {Folder} (organization certificate {Subject}, valid until {NotAfter:u}). " +
                "Its signatures are for testing only; configure Archive:Signing:Pkcs12Path for real ones.",
                folder, pki.Organization.Subject, pki.Organization.NotAfter.ToUniversalTime());
            return new DevelopmentIdentity(folder, password, pki, log);
        }
        Directory.CreateDirectory(folder);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var created = new DevelopmentPki($"{organizationName} (DEVELOPMENT)", OcspUrl);
        DevelopmentPki.WriteSecret(passwordFile, System.Text.Encoding.ASCII.GetBytes(secret + "\n"));
        created.Save(folder, secret);
        log.LogWarning("Signing: created a DEVELOPMENT CA, organization certificate ({Subject}) and local timestamp authority in {Folder} " +
            "(PKCS#12 and password files with mode 0600; root certificate in {Root}). Signatures made with it are for testing only; " +
            "configure Archive:Signing:Pkcs12Path, PasswordFile and TsaUrl for real ones.",
            created.Organization.Subject, folder, Path.Combine(folder, DevelopmentPki.RootPemFile));
        return new DevelopmentIdentity(folder, secret, created, log);
    }
}

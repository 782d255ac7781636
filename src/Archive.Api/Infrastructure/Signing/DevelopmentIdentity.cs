using System.Security.Cryptography;
using Signing.Development;

namespace Archive.Api.Infrastructure.Signing;

/// <summary>
/// The embedded default identity: a DEVELOPMENT root and issuing CA, an organization certificate and a timestamp
/// authority, created on first run in <paramref name="Folder"/> (PKCS#12 files and a password file, all mode 0600,
/// plus the public root as PEM to import into a PDF reader) and reused on later starts. Revocation (CRLs at
/// <see cref="DevelopmentRevocationHandler.CrlUrlFor"/>) and timestamps are answered in process, so it works with no
/// network. Never for production signatures.
/// </summary>
public sealed record DevelopmentIdentity(string Folder, string Password, DevelopmentPki Pki, ILogger Log)
{
    public const string PasswordFileName = "password";

    public static DevelopmentIdentity OpenOrCreate(string folder, string organizationName, ILogger log)
    {
        var passwordFile = Path.Combine(folder, PasswordFileName);
        if (DevelopmentPki.Exists(folder) && File.Exists(passwordFile))
        {
            var password = File.ReadAllText(passwordFile).Trim();
            var pki = DevelopmentPki.Load(folder, password, ocspUrl: null, DevelopmentRevocationHandler.CrlUrlFor);
            log.LogWarning("Signing: using the DEVELOPMENT signing identity in {Folder} (organization certificate {Subject}, valid until {NotAfter:u}). " +
                "Its signatures are for testing only; configure Archive:Signing:Pkcs12Path for real ones.",
                folder, pki.Organization.Subject, pki.Organization.NotAfter.ToUniversalTime());
            // Identities created before the CRL change name an unreachable OCSP responder, which NSS (pdfsig) reports as
            // "Unknown issue with Certificate" even for a trusted root (docs/architecture.md).
            if (pki.Organization.Extensions["1.3.6.1.5.5.7.1.1"] is not null)
                log.LogWarning("Signing: the DEVELOPMENT certificates in {Folder} name an OCSP responder; pdfsig cannot confirm their trust. " +
                    "Delete the folder to create new development certificates (earlier signatures then need the old root).", folder);
            return new DevelopmentIdentity(folder, password, pki, log);
        }
        Directory.CreateDirectory(folder);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var created = new DevelopmentPki($"{organizationName} (DEVELOPMENT)", crlUrlFor: DevelopmentRevocationHandler.CrlUrlFor);
        DevelopmentPki.WriteSecret(passwordFile, System.Text.Encoding.ASCII.GetBytes(secret + "\n"));
        created.Save(folder, secret);
        log.LogWarning("Signing: created a DEVELOPMENT CA, organization certificate ({Subject}) and local timestamp authority in {Folder} " +
            "(PKCS#12 and password files with mode 0600; root certificate in {Root}). Signatures made with it are for testing only; " +
            "configure Archive:Signing:Pkcs12Path, PasswordFile and TsaUrl for real ones.",
            created.Organization.Subject, folder, Path.Combine(folder, DevelopmentPki.RootPemFile));
        return new DevelopmentIdentity(folder, secret, created, log);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Development;

/// <summary>Saving a development PKI to a folder and loading it back, so a host keeps one identity across restarts.</summary>
public sealed partial class DevelopmentPki
{
    public const string CaFile = "development-ca.p12";
    public const string OrganizationFile = "organization.p12";
    public const string TsaFile = "timestamp-authority.p12";
    public const string RootPemFile = "development-root.pem";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private DevelopmentPki(X509Certificate2 root, X509Certificate2 intermediate, X509Certificate2 organization, X509Certificate2 tsa, Uri? ocspUrl,
        Func<string, Uri>? crlUrlFor)
    {
        Root = root;
        Intermediate = intermediate;
        Organization = organization;
        Tsa = tsa;
        OcspUrl = ocspUrl;
        CrlUrlFor = crlUrlFor;
        // Serials of certificates issued after loading must not repeat earlier ones.
        _serial = 0x10_0000 + RandomNumberGenerator.GetInt32(0x7FFF_0000);
    }

    /// <summary>
    /// Writes the CAs (with keys), the organization's and the TSA's PKCS#12 files, each encrypted with
    /// <paramref name="password"/> and readable by the owner only, plus the root certificate as PEM (public).
    /// </summary>
    public void Save(string folder, string password)
    {
        Directory.CreateDirectory(folder);
        WriteSecret(Path.Combine(folder, CaFile), new X509Certificate2Collection { Intermediate, Root }.Export(X509ContentType.Pkcs12, password)!);
        WriteSecret(Path.Combine(folder, OrganizationFile), ExportPkcs12(Organization, password));
        WriteSecret(Path.Combine(folder, TsaFile), ExportPkcs12(Tsa, password));
        File.WriteAllText(Path.Combine(folder, RootPemFile), Root.ExportCertificatePem() + "\n");
    }

    /// <summary>Rewrites only the TSA's file, after <see cref="ReissueTimestampAuthority"/>.</summary>
    public void SaveTimestampAuthority(string folder, string password) =>
        WriteSecret(Path.Combine(folder, TsaFile), ExportPkcs12(Tsa, password));

    public static bool Exists(string folder) =>
        File.Exists(Path.Combine(folder, CaFile)) && File.Exists(Path.Combine(folder, OrganizationFile)) && File.Exists(Path.Combine(folder, TsaFile));

    /// <summary>
    /// Loads a PKI written by <see cref="Save"/>. It holds the CAs, the organization and the TSA, nothing else; the
    /// revocation pointers are those written into certificates it issues from now on (a renewed TSA certificate).
    /// </summary>
    public static DevelopmentPki Load(string folder, string password, Uri? ocspUrl, Func<string, Uri>? crlUrlFor = null)
    {
        var cas = Read(Path.Combine(folder, CaFile), password);
        var root = cas.First(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData));
        var intermediate = cas.First(c => c != root);
        var organization = Read(Path.Combine(folder, OrganizationFile), password).First(c => c.HasPrivateKey);
        var tsa = Read(Path.Combine(folder, TsaFile), password).First(c => c.HasPrivateKey);
        return new DevelopmentPki(root, intermediate, organization, tsa, ocspUrl, crlUrlFor);
    }

    // Exportable: the responders hand the CA and TSA keys to BouncyCastle.
    private static X509Certificate2Collection Read(string path, string password) =>
        X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);

    /// <summary>Created with owner-only permissions from the first byte (no window where others could read it).</summary>
    public static void WriteSecret(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var f = new FileStream(temp, options))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

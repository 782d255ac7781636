using System.Security.Cryptography.X509Certificates;
using Signing.Development;
using Signing.Signers;
using Signing.Timestamping;

namespace Signing.Tests.Support;

/// <summary>
/// One development PKI per test run, served on 127.0.0.1, plus an NSS database and PEM bundle
/// so pdfsig and openssl can check our output independently.
/// </summary>
public sealed class TestPki : IDisposable
{
    public const string OrganizationName = "Trung tâm Lưu trữ lịch sử tỉnh Quảng Nam";
    public const string Password = "test-password";

    public TestPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("signing-tests-").FullName;
        Server = new LocalPkiServer();
        Pki = new DevelopmentPki(OrganizationName, Server.OcspUrl, Server.CrlUrlFor);
        Server.Serve(Pki);

        RootPem = Path.Combine(Directory, "root.pem");
        File.WriteAllText(RootPem, Pki.Root.ExportCertificatePem());
        ChainPem = Path.Combine(Directory, "chain.pem");
        File.WriteAllText(ChainPem, Pki.Root.ExportCertificatePem() + "\n" + Pki.Intermediate.ExportCertificatePem() + "\n");
        NssDir = Path.Combine(Directory, "nss");
        System.IO.Directory.CreateDirectory(NssDir);
        Tools.RunOk("certutil", "-N", "--empty-password", "-d", "sql:" + NssDir);
        Tools.RunOk("certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", RootPem, "-d", "sql:" + NssDir);

        Inputs = new SamplePdfs(Directory);
    }

    public string Directory { get; }
    public LocalPkiServer Server { get; }
    public DevelopmentPki Pki { get; }
    public string RootPem { get; }
    public string ChainPem { get; }
    public string NssDir { get; }
    public SamplePdfs Inputs { get; }

    public IReadOnlyCollection<X509Certificate2> Anchors => [Pki.Root];

    public Pkcs12Signer Signer(X509Certificate2? leaf = null, SignatureScheme? scheme = null) =>
        new(Pki.ExportPkcs12(leaf ?? Pki.Organization, Password), Password, scheme);

    public ITimestampClient Tsa => new HttpTimestampClient(Server.TsaUrl, timeout: TimeSpan.FromSeconds(10));

    public PadesSignOptions Options(PadesLevel level = PadesLevel.B_B, ISigner? signer = null) => new()
    {
        Signer = signer ?? Signer(),
        Level = level,
        TimestampClient = Tsa,
        TrustAnchors = Anchors,
        Appearance = new Appearance.SignatureAppearance { CopyKind = Appearance.CopyKind.SaoY, OrganizationName = OrganizationName },
    };

    public string NewPath(string name) => Path.Combine(Directory, Guid.NewGuid().ToString("N")[..8] + "-" + name);

    public void Dispose()
    {
        Server.Dispose();
        try { System.IO.Directory.Delete(Directory, true); }
        catch (IOException) { /* a checker may still hold a file; the temp dir is cleaned by the OS */ }
    }
}

[CollectionDefinition(Name)]
public sealed class PkiCollection : ICollectionFixture<TestPki>
{
    public const string Name = "pki";
}

using System.Security.Cryptography;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Signing;
using Archive.Api.Tests.Support;
using Archive.EventStore.Integrity.Seals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signing;
using Signing.Appearance;
using Signing.Development;

namespace Archive.Api.Tests;

public class organization_signing(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static OrganizationSigning Identity(string dataFolder, CapturingLogger log, SigningSettings? settings = null) =>
        new(Options.Create(settings ?? new SigningSettings { OrganizationName = "Trung tâm Lưu trữ thử nghiệm" }),
            new ArchiveDatabase("unused", null, dataFolder), TimeProvider.System, log);

    [Fact]
    public async Task a_first_run_creates_a_labelled_development_identity_in_owner_only_files_and_a_later_start_reuses_it()
    {
        var data = Directory.CreateTempSubdirectory("archive-signing-").FullName;
        var firstLog = new CapturingLogger();
        using var first = Identity(data, firstLog);
        var created = first.Certificate;

        created.Subject.ShouldContain("(DEVELOPMENT)");
        first.IsDevelopment.ShouldBeTrue();
        var folder = first.DevelopmentFolder!;
        foreach (var file in new[] { DevelopmentIdentity.PasswordFileName, DevelopmentPki.CaFile, DevelopmentPki.OrganizationFile, DevelopmentPki.TsaFile })
            if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(Path.Combine(folder, file)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
        firstLog.Text.ShouldContain("created a DEVELOPMENT CA");

        var password = File.ReadAllText(Path.Combine(folder, DevelopmentIdentity.PasswordFileName)).Trim();
        var secondLog = new CapturingLogger();
        using var second = Identity(data, secondLog);
        second.Certificate.Thumbprint.ShouldBe(created.Thumbprint);
        secondLog.Text.ShouldContain("using the DEVELOPMENT signing identity");
        (firstLog.Text + secondLog.Text).ShouldNotContain(password);

        // The reused identity signs B-LTA with no network: its TSA and OCSP answer in process.
        var signed = await second.SignAsync(PdfSamples.Scan(pixelWidth: 60, color: false), PadesLevel.B_LTA, CopyKind.None, CancellationToken.None);
        signed.Result.SignerCertificateSha256.ShouldBe(Convert.ToHexString(SHA256.HashData(created.RawData)));
        signed.TimestampValidUntil.ShouldNotBeNull();
        var nss = PdfTools.NssDbTrusting(second.TrustAnchors[0]);
        PdfTools.PdfsigAllValid(nss, PdfTools.Save(signed.Pdf), expectedSignatures: 2);
    }

    [Fact]
    public async Task a_configured_pkcs12_that_cannot_be_opened_fails_signing_with_a_reason_and_no_password()
    {
        var data = Directory.CreateTempSubdirectory("archive-signing-").FullName;
        var p12 = Path.Combine(data, "org.p12");
        await File.WriteAllBytesAsync(p12, new DevelopmentPki("Tổ chức thử").ExportPkcs12(new DevelopmentPki("Tổ chức thử").Organization, "right"));
        using var identity = Identity(data, new CapturingLogger(), new SigningSettings { Pkcs12Path = p12, Password = "wrong-secret" });

        var e = await Should.ThrowAsync<Exception>(() => identity.SignAsync(PdfSamples.Scan(pixelWidth: 60, color: false), PadesLevel.B_B, CopyKind.None, CancellationToken.None));
        SigningProblems.IsSigningFailure(e).ShouldBeTrue(e.ToString());
        e.Message.ShouldNotContain("wrong-secret");
    }

    [Fact]
    public async Task the_seal_signer_in_di_signs_with_the_organization_certificate_and_a_timestamp()
    {
        var signer = api.Service<ISealSigner>();
        var content = "seal canonical bytes"u8.ToArray();

        var seal = await signer.SignAsync(content);

        seal.TimestampToken.ShouldNotBeNull();
        signer.Verify(content, seal.Signature, seal.TimestampToken).ShouldBeEmpty();
        signer.Verify([.. content, 1], seal.Signature, seal.TimestampToken).ShouldNotBeEmpty();
        var cms = new System.Security.Cryptography.Pkcs.SignedCms(new(content), detached: true);
        cms.Decode(seal.Signature);
        cms.SignerInfos[0].Certificate!.Thumbprint.ShouldBe(api.Service<OrganizationSigning>().Certificate.Thumbprint);
    }
}

/// <summary>Collects log text so tests can assert what the log says (and what it never says).</summary>
public sealed class CapturingLogger : ILogger<OrganizationSigning>
{
    private readonly System.Text.StringBuilder _text = new();
    public string Text { get { lock (_text) return _text.ToString(); } }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_text) _text.AppendLine(formatter(state, exception) + exception);
    }
}

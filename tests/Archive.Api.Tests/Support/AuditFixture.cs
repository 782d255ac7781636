using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Archive.EventStore.Integrity.Seals;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Archive.Api.Tests.Support;

/// <summary>
/// The API with what the audit tests need: an organization seal signer (a self-signed test certificate), callers
/// arriving from <see cref="ClientAddress"/>, the job loop switched off so tests run jobs themselves, and a
/// short fixity cycle (10 h period, hourly runs) so "every object within the period" is ten runs.
/// </summary>
public class AuditFixture : ApiFixture
{
    public static readonly IPAddress ClientAddress = IPAddress.Parse("203.0.113.7");
    public TestSealSigner Signer { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Archive:Jobs:Enabled", "false")
               .UseSetting("Archive:Audit:Fixity:Period", "10:00:00")
               .UseSetting("Archive:Audit:Fixity:RunInterval", "01:00:00")
               .ConfigureServices(s =>
               {
                   s.AddSingleton<ISealSigner>(Signer);
                   s.AddSingleton<IStartupFilter>(new ClientAddressFilter(ClientAddress));
               });
    }

    /// <summary>TestServer leaves the remote address empty; a real socket would fill it.</summary>
    private sealed class ClientAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) => { http.Connection.RemoteIpAddress = address; return nextMiddleware(http); });
            next(app);
        };
    }
}

/// <summary>The API with every <see cref="ISealSigner"/> registration removed, as a host with no signing identity would be.</summary>
public sealed class NoSealSignerFixture : ApiFixture
{
    protected override void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.RemoveAll<ISealSigner>());
}

/// <summary>Detached CMS over the seal bytes with a self-signed RSA certificate, pinned by thumbprint on verify.</summary>
public sealed class TestSealSigner : ISealSigner
{
    private readonly X509Certificate2 _cert;

    public TestSealSigner()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Trung tâm Lưu trữ thử nghiệm (niêm phong)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public Task<SealSignature> SignAsync(byte[] content, CancellationToken ct = default)
    {
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        cms.ComputeSignature(new CmsSigner(_cert) { DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1") }, silent: true);
        return Task.FromResult(new SealSignature(cms.Encode(), null));
    }

    public IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken)
    {
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        try
        {
            cms.Decode(signature);
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e) { return [$"signature does not verify: {e.Message}"]; }
        return cms.SignerInfos[0].Certificate?.Thumbprint == _cert.Thumbprint ? [] : ["signed by an untrusted certificate"];
    }
}

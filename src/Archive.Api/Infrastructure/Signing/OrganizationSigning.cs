using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Archive.Api.Hosting;
using Microsoft.Extensions.Options;
using Signing;
using Signing.Appearance;
using Signing.Cms;
using Signing.Development;
using Signing.Revocation;
using Signing.Signers;
using Signing.Timestamping;

namespace Archive.Api.Infrastructure.Signing;

/// <summary>A PDF signed by the organization, with what the events record about it.</summary>
public sealed record OrganizationSignature(byte[] Pdf, SignResult Result, DateTimeOffset? TimestampValidUntil);

/// <summary>A fresh document timestamp over a file, and until when the file now stays verifiable.</summary>
public sealed record TimestampRenewal(byte[] Pdf, DocumentTimestampResult Result, DateTimeOffset ValidUntil);

/// <summary>
/// The archive's organization signing identity (chữ ký số của cơ quan, tổ chức): its key behind <see cref="ISigner"/>,
/// its timestamp authority and revocation sources. Configured by <c>Archive:Signing</c> (<see cref="SigningSettings"/>);
/// without a PKCS#12 it is the DEVELOPMENT identity of <see cref="DevelopmentIdentity"/>. Loading is lazy and done
/// once; a broken configuration makes every signing fail with the reason (503), never the whole host.
/// </summary>
public sealed class OrganizationSigning : IDisposable
{
    public const string DefaultOrganizationName = "Cơ quan lưu trữ (bản phát triển)";
    private readonly SigningSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Lazy<Identity> _identity;
    private readonly Lock _tsaLock = new();

    public OrganizationSigning(IOptions<SigningSettings> settings, ArchiveDatabase database, TimeProvider clock, ILogger<OrganizationSigning> log)
    {
        _settings = settings.Value;
        _clock = clock;
        _identity = new Lazy<Identity>(() => Load(_settings, database.DataFolder, clock, log), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public SigningSettings Settings => _settings;
    public string OrganizationName => string.IsNullOrWhiteSpace(_settings.OrganizationName) ? DefaultOrganizationName : _settings.OrganizationName.Trim();
    public bool IsDevelopment => string.IsNullOrWhiteSpace(_settings.Pkcs12Path);

    /// <summary>Loads the identity now (creating the development one on first run). Throws what loading threw.</summary>
    public X509Certificate2 Certificate => _identity.Value.Signer.Certificate;

    /// <summary>Anchors the organization's chain builds to: configured, or the development root.</summary>
    public IReadOnlyList<X509Certificate2> TrustAnchors => _identity.Value.Anchors;

    /// <summary>Whether a timestamp authority is configured (always for the development identity): without one only B-B is possible.</summary>
    public bool HasTimestampAuthority => _identity.Value.Tsa is not null;

    /// <summary>Folder of the development identity, null for a configured one.</summary>
    public string? DevelopmentFolder => _identity.Value.DevelopmentFolder;

    /// <summary>
    /// Signs <paramref name="pdf"/> at <paramref name="level"/>, visibly (top right of page 1: kind of copy, organization, time)
    /// unless <paramref name="visible"/> is false; nothing is written anywhere.
    /// </summary>
    public async Task<OrganizationSignature> SignAsync(byte[] pdf, PadesLevel level, CopyKind copyKind, CancellationToken ct, bool visible = true)
    {
        var id = _identity.Value;
        var tsa = id.Tsa is null ? null : new RecordingTimestampClient(id.Tsa);
        var options = new PadesSignOptions
        {
            Signer = id.Signer,
            Level = level,
            TimestampClient = tsa,
            RevocationClient = id.Revocation,
            TrustAnchors = id.Anchors,
            Appearance = visible ? new SignatureAppearance { OrganizationName = OrganizationName, CopyKind = copyKind } : SignatureAppearance.Invisible,
            Clock = _clock,
        };
        using var output = new MemoryStream();
        var result = await new PadesSigner().SignAsync(new MemoryStream(pdf, false), output, options, ct);
        return new OrganizationSignature(output.ToArray(), result, ValidUntil(tsa?.Last));
    }

    /// <summary>Adds validation data and a fresh document timestamp (B-LTA renewal); nothing is written anywhere.</summary>
    public async Task<TimestampRenewal> AddDocumentTimestampAsync(byte[] pdf, CancellationToken ct)
    {
        var id = _identity.Value;
        if (id.Tsa is null) throw new TimestampUnavailableException("No timestamp authority is configured (Archive:Signing:TsaUrl).");
        var tsa = new RecordingTimestampClient(id.Tsa);
        using var output = new MemoryStream();
        var result = await new PadesSigner().AddDocumentTimestampAsync(new MemoryStream(pdf, false), output, new DocumentTimestampOptions
        {
            TimestampClient = tsa,
            RevocationClient = id.Revocation,
            TrustAnchors = id.Anchors,
        }, ct);
        return new TimestampRenewal(output.ToArray(), result, ValidUntil(tsa.Last)!.Value);
    }

    /// <summary>Detached CMS over arbitrary bytes with this identity's key and TSA (audit seals).</summary>
    public DetachedCmsSigner CmsSigner()
    {
        var id = _identity.Value;
        return new DetachedCmsSigner(id.Signer.Certificate, [id.Signer.Certificate], id.Tsa, id.Signer.Chain);
    }

    /// <summary>
    /// When the development TSA's certificate would expire within <paramref name="margin"/>, issues a new one
    /// (development key rollover) so renewed timestamps outlive the old ones. A configured TSA is its operator's
    /// business: then this does nothing. Returns whether a new certificate was issued.
    /// </summary>
    public bool RollOverDevelopmentTsaIfDue(TimeSpan margin)
    {
        var id = _identity.Value;
        if (id.Development is not { } dev) return false;
        lock (_tsaLock)
        {
            var now = _clock.GetUtcNow();
            if (dev.Pki.Tsa.NotAfter.ToUniversalTime() - margin > now) return false;
            dev.Pki.ReissueTimestampAuthority(now, TimeSpan.FromDays(5 * 365));
            dev.Pki.SaveTimestampAuthority(dev.Folder, dev.Password);
            dev.Log.LogWarning("Signing: the DEVELOPMENT timestamp authority's certificate was renewed (valid until {NotAfter:u}).",
                dev.Pki.Tsa.NotAfter.ToUniversalTime());
            return true;
        }
    }

    /// <summary>Until when a file whose last timestamp is <paramref name="token"/> stays verifiable: the TSA certificate's expiry or the hash's sunset.</summary>
    private DateTimeOffset? ValidUntil(TimestampToken? token)
    {
        if (token?.TsaCertificate is not { } tsa) return null;
        var until = new DateTimeOffset(tsa.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        return _settings.Renewal.HashAlgorithmSunset is { } sunset && sunset < until ? sunset : until;
    }

    public void Dispose()
    {
        if (_identity.IsValueCreated && _identity.Value.Signer is IDisposable d) d.Dispose();
    }

    private static Identity Load(SigningSettings settings, string dataFolder, TimeProvider clock, ILogger log)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds));
        if (string.IsNullOrWhiteSpace(settings.Pkcs12Path))
        {
            var dev = DevelopmentIdentity.OpenOrCreate(Path.Combine(dataFolder, "signing", "development"),
                string.IsNullOrWhiteSpace(settings.OrganizationName) ? DefaultOrganizationName : settings.OrganizationName.Trim(), log);
            var responders = new DevelopmentResponders(dev.Pki);
            var signer = new Pkcs12Signer(dev.Pki.ExportPkcs12(dev.Pki.Organization, dev.Password), dev.Password);
            var identity = new Identity(signer, new InProcessTimestampClient(responders),
                new RevocationClient(new HttpClient(new DevelopmentRevocationHandler(responders)), timeout), [dev.Pki.Root], dev.Folder, dev);
            Check(identity, clock, log);
            return identity;
        }
        var configured = new Pkcs12SignerOptions { Path = settings.Pkcs12Path, PasswordFile = settings.PasswordFile, Password = settings.Password }.Create();
        var tsa = string.IsNullOrWhiteSpace(settings.TsaUrl) ? null : new HttpTimestampClient(new Uri(settings.TsaUrl), timeout: timeout);
        var result = new Identity(configured, tsa, new RevocationClient(timeout: timeout), ReadAnchors(settings.TrustAnchorsFolder), null, null);
        log.LogInformation("Signing: organization certificate {Subject} (SHA-256 {Fingerprint}) from {Path}; timestamp authority {Tsa}.",
            configured.Certificate.Subject, Convert.ToHexStringLower(SHA256.HashData(configured.Certificate.RawData)), settings.Pkcs12Path,
            settings.TsaUrl ?? "none (B-B only)");
        Check(result, clock, log);
        return result;
    }

    // Checked at load so a bad certificate is reported in the log at start-up; PadesSigner checks again before every signature.
    private static void Check(Identity identity, TimeProvider clock, ILogger log)
    {
        try { CertificateChecker.EnsureUsable(identity.Signer, identity.Anchors, clock.GetUtcNow()); }
        catch (CertificateNotUsableException e) { log.LogError("Signing: the organization certificate cannot sign: {Reason}", e.Message); }
    }

    private static IReadOnlyList<X509Certificate2> ReadAnchors(string? folder)
    {
        var anchors = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(folder) && Directory.Exists(folder))
            foreach (var pem in Directory.EnumerateFiles(folder, "*.pem").Order(StringComparer.Ordinal))
                anchors.ImportFromPemFile(pem);
        return [.. anchors];
    }

    private sealed record Identity(ISigner Signer, ITimestampClient? Tsa, RevocationClient Revocation, IReadOnlyList<X509Certificate2> Anchors,
        string? DevelopmentFolder, DevelopmentIdentity? Development);

    /// <summary>Keeps the last token so its TSA certificate (hence the file's verifiability horizon) can be recorded.</summary>
    private sealed class RecordingTimestampClient(ITimestampClient inner) : ITimestampClient
    {
        public TimestampToken? Last { get; private set; }

        public async Task<TimestampToken> GetTokenAsync(byte[] digest, HashAlgorithmName hash, CancellationToken cancellationToken) =>
            Last = await inner.GetTokenAsync(digest, hash, cancellationToken);
    }
}

using System.Security.Cryptography.X509Certificates;
using Signing.Appearance;
using Signing.Revocation;
using Signing.Signers;
using Signing.Timestamping;

namespace Signing;

/// <summary>PAdES baseline levels (ETSI EN 319 142-1).</summary>
public enum PadesLevel
{
    B_B,
    B_T,
    B_LT,
    B_LTA,
}

public enum RevocationMode
{
    /// <summary>No revocation lookups (default for B-B and B-T).</summary>
    None,

    /// <summary>Refuse revoked certificates; go on when no answer can be had.</summary>
    BestEffort,

    /// <summary>Refuse revoked certificates and fail when no answer can be had (always used for B-LT and B-LTA).</summary>
    Required,
}

public sealed record PadesSignOptions
{
    public required ISigner Signer { get; init; }
    public PadesLevel Level { get; init; } = PadesLevel.B_B;

    /// <summary>TSA used for B-T and above; <see cref="TsaUrl"/> is a shortcut for an <see cref="HttpTimestampClient"/>.</summary>
    public ITimestampClient? TimestampClient { get; init; }
    public Uri? TsaUrl { get; init; }

    public SignatureAppearance Appearance { get; init; } = new();
    public RevocationMode RevocationMode { get; init; } = RevocationMode.None;
    public RevocationClient? RevocationClient { get; init; }

    /// <summary>Anchors the signer's chain must build to; empty means the system trust store.</summary>
    public IReadOnlyCollection<X509Certificate2> TrustAnchors { get; init; } = [];

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    internal ITimestampClient? ResolveTimestampClient() =>
        TimestampClient ?? (TsaUrl is null ? null : new HttpTimestampClient(TsaUrl));
}

public sealed record DocumentTimestampOptions
{
    public ITimestampClient? TimestampClient { get; init; }
    public Uri? TsaUrl { get; init; }

    /// <summary>First store certificates and revocation data for the timestamps already in the file (renewal of B-LTA).</summary>
    public bool AddValidationDataFirst { get; init; } = true;
    public RevocationClient? RevocationClient { get; init; }
    public IReadOnlyCollection<X509Certificate2> TrustAnchors { get; init; } = [];

    internal ITimestampClient? ResolveTimestampClient() =>
        TimestampClient ?? (TsaUrl is null ? null : new HttpTimestampClient(TsaUrl));
}

public sealed record SignResult(
    PadesLevel Level,
    string SignerCertificateSha256,
    string SignerSubject,
    string SignatureSha256,
    DateTimeOffset SigningTime,
    DateTimeOffset? TimestampTime,
    string OutputSha256,
    long ByteCount);

public sealed record DocumentTimestampResult(DateTimeOffset TimestampTime, string TsaSubject, string OutputSha256, long ByteCount);

using System.Security.Cryptography.X509Certificates;

namespace Signing.Validation;

public enum RevocationMode
{
    /// <summary>Only revocation data inside the file (DSS, CMS) is used; the network is never touched.</summary>
    Offline,
    /// <summary>When the file does not carry revocation data, OCSP and CRL endpoints named in certificates are fetched.</summary>
    Online,
}

public sealed record ValidationOptions
{
    public IReadOnlyList<X509Certificate2> TrustAnchors { get; init; } = [];
    public IReadOnlyList<X509Certificate2> ExtraIntermediates { get; init; } = [];
    public RevocationMode Revocation { get; init; } = RevocationMode.Offline;
    /// <summary>"Now" for the validation; null means the current UTC time.</summary>
    public DateTimeOffset? ValidationTime { get; init; }
    /// <summary>After this date SHA-1 and RSA keys shorter than 2048 bits are no longer accepted for new signatures.</summary>
    public DateTimeOffset WeakAlgorithmCutOff { get; init; } = new(2019, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Revocation data younger than this (relative to the validation time) counts as fresh even if issued before the signing time.</summary>
    public TimeSpan RevocationFreshness { get; init; } = TimeSpan.FromHours(24);
    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;
    public int MaxObjects { get; init; } = 200_000;
    public int MaxNesting { get; init; } = 64;
    public int MaxSignatures { get; init; } = 100;
    /// <summary>Time budget per file; when exceeded the report is INDETERMINATE rather than late.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan OnlineFetchTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Used for online revocation fetching; a shared default client when null.</summary>
    public HttpClient? HttpClient { get; init; }
}

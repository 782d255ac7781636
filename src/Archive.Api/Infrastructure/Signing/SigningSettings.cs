namespace Archive.Api.Infrastructure.Signing;

/// <summary>
/// Configuration under <c>Archive:Signing</c>: the organization's signing identity (chữ ký số của cơ quan, tổ chức).
/// With no <see cref="Pkcs12Path"/> the host creates, on first run, a clearly labelled DEVELOPMENT CA, organization
/// certificate and in-process timestamp authority in <c>{data}/signing/development/</c> and reuses them afterwards.
/// </summary>
public sealed class SigningSettings
{
    /// <summary>Name printed in the signature's appearance (and in the development certificate's subject).</summary>
    public string? OrganizationName { get; set; }

    /// <summary>PKCS#12 with the organization's key and chain. Unset: the development identity.</summary>
    public string? Pkcs12Path { get; set; }

    /// <summary>File holding the PKCS#12 password (a mounted secret); preferred over <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }

    public string? Password { get; set; }

    /// <summary>RFC 3161 timestamp authority. Unset with a configured PKCS#12: only B-B is possible.</summary>
    public string? TsaUrl { get; set; }

    /// <summary>Level for document signing when the request names none: B-T, B-LT or B-LTA. Unset: B-LTA for digitized documents, else B-LT.</summary>
    public string? Level { get; set; }

    /// <summary>Folder of PEM files the organization's chain must build to before signing; unset: the system store (the development root for the development identity).</summary>
    public string? TrustAnchorsFolder { get; set; }

    /// <summary>Timeout for each TSA, OCSP or CRL request.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Create the development identity while the host starts instead of on first use.</summary>
    public bool PrepareAtStartup { get; set; } = true;

    public RenewalSettings Renewal { get; set; } = new();
}

/// <summary><c>Archive:Signing:Renewal</c>: upkeep of B-LTA document timestamps.</summary>
public sealed class RenewalSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>Renew when the last document timestamp stays verifiable for less than this.</summary>
    public int MarginDays { get; set; } = 90;

    /// <summary>How often the job looks for due files.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Date after which SHA-256 is no longer trusted, if one is announced; unset: none known.</summary>
    public DateTimeOffset? HashAlgorithmSunset { get; set; }
}

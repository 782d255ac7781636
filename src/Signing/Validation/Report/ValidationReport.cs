using System.Text.Json.Serialization;

namespace Signing.Validation;

/// <summary>Main status indications of ETSI EN 319 102-1, clause 5.1.3.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Indication>))]
public enum Indication
{
    TOTAL_PASSED,
    INDETERMINATE,
    TOTAL_FAILED,
}

/// <summary>Sub-indications of ETSI EN 319 102-1 table 5 / 6 that this validator can produce.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SubIndication>))]
public enum SubIndication
{
    NONE,
    FORMAT_FAILURE,
    HASH_FAILURE,
    SIG_CRYPTO_FAILURE,
    REVOKED,
    SIG_CONSTRAINTS_FAILURE,
    CHAIN_CONSTRAINTS_FAILURE,
    CRYPTO_CONSTRAINTS_FAILURE,
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    NO_SIGNING_CERTIFICATE_FOUND,
    NO_CERTIFICATE_CHAIN_FOUND,
    OUT_OF_BOUNDS_NO_POE,
    OUT_OF_BOUNDS_NOT_REVOKED,
    REVOKED_NO_POE,
    TRY_LATER,
    TIMESTAMP_ORDER_FAILURE,
    GENERIC,
}

[JsonConverter(typeof(JsonStringEnumConverter<SignatureKind>))]
public enum SignatureKind { Signature, CertificationSignature, DocumentTimestamp }

[JsonConverter(typeof(JsonStringEnumConverter<SigningTimeProof>))]
public enum SigningTimeProof { None, Claimed, Timestamp }

/// <summary>A statement made in both languages of the archive's users.</summary>
public sealed record Explanation(
    [property: JsonPropertyName("en")] string En,
    [property: JsonPropertyName("vi")] string Vi);

/// <summary>One change made in a revision after the one a signature covers.</summary>
public sealed record ChangeReport(
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("objectNumber")] int ObjectNumber,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("allowed")] bool Allowed,
    [property: JsonPropertyName("description")] string Description);

public sealed record SignatureReport
{
    [JsonPropertyName("fieldName")] public string? FieldName { get; init; }
    [JsonPropertyName("kind")] public SignatureKind Kind { get; init; }
    [JsonPropertyName("indication")] public Indication Indication { get; init; }
    [JsonPropertyName("subIndication")] public SubIndication SubIndication { get; init; }
    [JsonPropertyName("signer")] public string? Signer { get; init; }
    [JsonPropertyName("signerCertificateSha256")] public string? SignerCertificateSha256 { get; init; }
    [JsonPropertyName("signingTime")] public DateTimeOffset? SigningTime { get; init; }
    [JsonPropertyName("signingTimeProof")] public SigningTimeProof SigningTimeProof { get; init; }
    [JsonPropertyName("level")] public string? Level { get; init; }
    [JsonPropertyName("revision")] public int Revision { get; init; }
    [JsonPropertyName("coversWholeDocument")] public bool CoversWholeDocument { get; init; }
    [JsonPropertyName("integrityValid")] public bool? IntegrityValid { get; init; }
    [JsonPropertyName("digestAlgorithm")] public string? DigestAlgorithm { get; init; }
    [JsonPropertyName("checks")] public IReadOnlyList<string> Checks { get; init; } = [];
    [JsonPropertyName("changesAfterSigning")] public IReadOnlyList<ChangeReport> ChangesAfterSigning { get; init; } = [];
    [JsonPropertyName("verifiableUntil")] public DateTimeOffset? VerifiableUntil { get; init; }
    [JsonPropertyName("explanation")] public Explanation Explanation { get; init; } = new("", "");
}

public sealed record ValidationReport
{
    [JsonPropertyName("validationTime")] public DateTimeOffset ValidationTime { get; init; }
    [JsonPropertyName("documentSha256")] public string? DocumentSha256 { get; init; }
    [JsonPropertyName("revisionCount")] public int RevisionCount { get; init; }
    [JsonPropertyName("documentIndication")] public Indication DocumentIndication { get; init; }
    [JsonPropertyName("documentSubIndication")] public SubIndication DocumentSubIndication { get; init; }
    [JsonPropertyName("signatures")] public IReadOnlyList<SignatureReport> Signatures { get; init; } = [];
    [JsonPropertyName("problems")] public IReadOnlyList<string> Problems { get; init; } = [];
    [JsonPropertyName("verifiableUntil")] public DateTimeOffset? VerifiableUntil { get; init; }
    [JsonPropertyName("explanation")] public Explanation Explanation { get; init; } = new("", "");
}

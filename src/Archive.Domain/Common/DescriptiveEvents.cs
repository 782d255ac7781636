using Archive.Domain.Documents;
using Archive.Domain.Dossiers;

namespace Archive.Domain.Common;

/// <summary>
/// Events that carry descriptive metadata of records that may be destroyed (titles, subjects, keywords, notes,
/// issuer, signer, file names, and field changes' old/new values). Whoever stores them keeps them encrypted under
/// the record's key so destruction can shred them (docs/architecture.md "Encryption and crypto-shredding"). Each
/// names the fields that stay in clear: identifiers and codes used by lookups (shared blobs by hash, paper
/// originals by paper file code) and the residual record (codes, retention, hashes).
/// </summary>
public static class DescriptiveEvents
{
    public static readonly IReadOnlyList<(Type Event, string[] ClearFields)> All =
    [
        (typeof(DossierOpened), ["dossierCode", "organId", "year", "fileNotation", "metadata.paperFileCode", "metadata.retentionCode", "metadata.retentionYears"]),
        (typeof(DossierMetadataChanged), ["dossierCode", "metadata.paperFileCode", "metadata.retentionCode", "metadata.retentionYears"]),
        (typeof(DocumentRegistered), ["documentId", "metadata.retentionCode", "metadata.retentionYears"]),
        (typeof(DocumentMetadataChanged), ["documentId", "metadata.retentionCode", "metadata.retentionYears"]),
        (typeof(ContentVersionAdded), ["documentId", "version", "sha256", "sizeBytes", "mediaType"]),
        // Fields read from a digitized page are the record's issuer, subject and signer in plain words.
        (typeof(DocumentMetadataProposed), ["documentId", "jobId"]),
        (typeof(DocumentMetadataProposalReviewed), ["documentId", "jobId", "reviewedBy"]),
    ];
}

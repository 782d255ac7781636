using Archive.Domain.CodeLists;
using Archive.Domain.Common;

namespace Archive.Domain.Documents;

/// <summary>PAdES baseline levels the archive signs at (B-B is never used for records: it proves no time).</summary>
public static class SignatureLevels
{
    public const string BT = "B-T";
    public const string BLT = "B-LT";
    public const string BLTA = "B-LTA";
    public static readonly IReadOnlyList<string> All = [BT, BLT, BLTA];

    /// <summary>
    /// Digitized documents (confidence level 02) are kept for the long term, so they get B-LTA, whose document
    /// timestamps the renewal job keeps ahead of certificate and algorithm expiry; other files get B-LT.
    /// </summary>
    public static string DefaultFor(DocumentMetadata metadata) => metadata.ConfidenceLevel == Codes.ConfidenceDigitized ? BLTA : BLT;
}

/// <summary>Kinds of authenticated copy (bản sao có xác thực), NĐ 30/2020 Điều 25–27 and Phụ lục I.</summary>
public static class CopyKinds
{
    public const string SaoY = "sao-y";
    public const string SaoLuc = "sao-luc";
    public const string TrichSao = "trich-sao";
    public static readonly IReadOnlyList<string> All = [SaoY, SaoLuc, TrichSao];
}

/// <summary>The organization's signature on a content version, or a renewal of its document timestamp.</summary>
public sealed record ContentSignature(int Version, int SourceVersion, string Level, DateTimeOffset? TimestampValidUntil, bool IsRenewal);

/// <summary>Ký số tài liệu: sign the current content version with the organization's certificate; the signed file is a new content version.</summary>
/// <param name="SignedFile">Facts of the signed bytes, already in the content store.</param>
public sealed record SignDocumentContent(int SourceVersion, string SourceSha256, ContentFacts SignedFile, string Level,
    string CertificateSha256, string CertificateSubject, string SignatureSha256, DateTimeOffset SigningTime,
    DateTimeOffset? TimestampTime, DateTimeOffset? TimestampValidUntil) : DocumentCommand;

/// <summary>A fresh document timestamp on a B-LTA content version (gia hạn dấu thời gian), as a new content version.</summary>
public sealed record RenewDocumentTimestamp(int SourceVersion, string SourceSha256, ContentFacts RenewedFile, DateTimeOffset TimestampTime,
    string TsaSubject, DateTimeOffset TimestampValidUntil) : DocumentCommand;

/// <summary>Cấp bản sao có xác thực: an authenticated copy of a content version was issued.</summary>
public sealed record IssueCopy(string Kind, string Purpose, int SourceVersion, string SourceSha256, string CopySha256, long CopySizeBytes,
    string CertificateSha256) : DocumentCommand;

/// <summary>The signed file is content version <paramref name="Version"/>; <paramref name="SourceVersion"/> stays as it was.</summary>
[EventType("document.signed.v1")]
public sealed record DocumentSigned(string DocumentId, int Version, string Sha256, int SourceVersion, string SourceSha256, string Level,
    string CertificateSha256, string CertificateSubject, string SignatureSha256, DateTimeOffset SigningTime, DateTimeOffset? TimestampTime,
    DateTimeOffset? TimestampValidUntil, string SignedBy) : IDomainEvent;

[EventType("document.timestamp.renewed.v1")]
public sealed record DocumentTimestampRenewed(string DocumentId, int Version, string Sha256, int SourceVersion, string SourceSha256,
    DateTimeOffset TimestampTime, string TsaSubject, DateTimeOffset TimestampValidUntil, DateTimeOffset? PreviousValidUntil) : IDomainEvent;

/// <summary>Which exact bytes were issued (their SHA-256), to whom and why; the copy itself is not kept.</summary>
[EventType("copy.issued.v1")]
public sealed record CopyIssued(string DocumentId, string Kind, string Purpose, int SourceVersion, string SourceSha256, string CopySha256,
    long CopySizeBytes, string CertificateSha256, string IssuedBy, string IssuedByName, DateTimeOffset IssuedAt) : IDomainEvent;

/// <summary>Rules for organization signatures, timestamp renewals and copies of a document.</summary>
public static class DocumentSigningRules
{
    public const string AlreadySigned = "already_signed";
    public const string NotSignable = "not_signable";
    public const string StaleSource = "stale_source";

    /// <summary>
    /// Only the current version may be signed, and only once: a version that is itself an organization-signed
    /// file, or that already has a signed derivative, is refused (its signature is kept alive by timestamp renewal,
    /// not by signing again). A held record is not signed: the signature adds a content version, which a hold freezes.
    /// </summary>
    public static Decision Sign(SignDocumentContent c, DocumentState state, DecisionContext context)
    {
        if (state.IsHeld) return Rejections.UnderHold(state.DocumentId);
        var source = SourceOf(state, c.SourceVersion, c.SourceSha256);
        if (source is Rejection r) return r;
        if (!SignatureLevels.All.Contains(c.Level))
            return Decision.Invalid([new("level", "invalid_level", "Mức chữ ký phải là B-T, B-LT hoặc B-LTA.", "The level must be B-T, B-LT or B-LTA.")]);
        if (state.Signatures.Any(s => s.Version == c.SourceVersion || (!s.IsRenewal && s.SourceVersion == c.SourceVersion)))
            return new Rejection(AlreadySigned, $"Phiên bản {c.SourceVersion} đã được ký số bởi cơ quan; không ký lại.",
                $"Version {c.SourceVersion} already carries the organization's signature; it is not signed again.");
        var added = NewVersion(state, c.SignedFile);
        return Decision.Accept(added, new DocumentSigned(state.DocumentId, added.Version, c.SignedFile.Sha256, c.SourceVersion, c.SourceSha256,
            c.Level, c.CertificateSha256, c.CertificateSubject, c.SignatureSha256, c.SigningTime, c.TimestampTime, c.TimestampValidUntil,
            context.Actor.UserId));
    }

    /// <summary>
    /// Renewal preserves evidence and changes no content (the earlier bytes stay a prefix), so a hold does not stop it:
    /// a hold protects evidence, and letting its timestamps lapse would weaken it.
    /// </summary>
    public static Decision Renew(RenewDocumentTimestamp c, DocumentState state)
    {
        var source = SourceOf(state, c.SourceVersion, c.SourceSha256);
        if (source is Rejection r) return r;
        var signed = state.Signatures.LastOrDefault(s => s.Version == c.SourceVersion);
        if (signed is null || signed.Level != SignatureLevels.BLTA)
            return new Rejection(NotSignable, "Chỉ gia hạn dấu thời gian cho tệp đã ký mức B-LTA.", "Only B-LTA signed files have their document timestamp renewed.");
        if (signed.TimestampValidUntil is { } before && c.TimestampValidUntil <= before)
            return new Rejection(NotSignable, "Dấu thời gian mới không kéo dài thời hạn kiểm tra được của tệp.",
                "The new timestamp does not extend how long the file stays verifiable.");
        var added = NewVersion(state, c.RenewedFile);
        return Decision.Accept(added, new DocumentTimestampRenewed(state.DocumentId, added.Version, c.RenewedFile.Sha256, c.SourceVersion,
            c.SourceSha256, c.TimestampTime, c.TsaSubject, c.TimestampValidUntil, signed.TimestampValidUntil));
    }

    /// <summary>Copies change nothing in the record, so a hold does not stop them; a destroyed record has nothing to copy.</summary>
    public static Decision Copy(IssueCopy c, DocumentState state, DecisionContext context)
    {
        var rules = new FieldRules().RequiredMax("purpose", c.Purpose, 500)
            .When(!CopyKinds.All.Contains(c.Kind), "kind", "invalid_kind", "Loại bản sao phải là sao-y, sao-luc hoặc trich-sao.",
                "The kind of copy must be sao-y, sao-luc or trich-sao.");
        if (rules.Errors.Count > 0) return Decision.Invalid(rules.Errors);
        var source = SourceOf(state, c.SourceVersion, c.SourceSha256, requireCurrent: false);
        if (source is Rejection r) return r;
        return Decision.Accept(new CopyIssued(state.DocumentId, c.Kind, c.Purpose.Trim(), c.SourceVersion, c.SourceSha256, c.CopySha256,
            c.CopySizeBytes, c.CertificateSha256, context.Actor.UserId, context.Actor.FullName, context.Now));
    }

    /// <summary>
    /// The unsigned content a version derives from: itself, or, for a file produced by the organization's signature or a
    /// renewal, the version that was signed. Copies are made from it, so the copy's "SAO Y" box is not printed over the
    /// archive's own signature box in the same corner.
    /// </summary>
    public static int UnsignedSourceOf(DocumentState state, int version)
    {
        for (var guard = 0; guard < 1000 && state.Signatures.LastOrDefault(s => s.Version == version) is { } s; guard++)
            version = s.SourceVersion;
        return version;
    }

    public static DocumentState Evolve(DocumentState state, IDomainEvent @event) => @event switch
    {
        DocumentSigned e => state with { Signatures = state.Signatures.Add(new(e.Version, e.SourceVersion, e.Level, e.TimestampValidUntil, false)) },
        DocumentTimestampRenewed e => state with
        {
            Signatures = state.Signatures.Add(new(e.Version, e.SourceVersion, SignatureLevels.BLTA, e.TimestampValidUntil, true)),
        },
        _ => state,
    };

    private static object SourceOf(DocumentState state, int version, string sha256, bool requireCurrent = true)
    {
        var content = state.Contents.FirstOrDefault(x => x.Version == version);
        if (content is null || content.Sha256 != sha256)
            return Rejections.NotFound($"phiên bản nội dung {version}", $"content version {version}");
        if (requireCurrent && state.CurrentContent!.Version != version)
            return new Rejection(StaleSource, "Phiên bản nội dung đã thay đổi trong lúc ký.", "The content version changed while signing.");
        if (!content.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase))
            return new Rejection(NotSignable, "Chỉ ký số và cấp bản sao được cho tệp PDF.", "Only PDF files can be signed or copied.");
        return content;
    }

    // A signature changes no image: the signed file keeps the source's digitisation warnings (low OCR confidence, low dpi),
    // so an officer filtering on warnings still finds the record once it is signed.
    private static ContentVersionAdded NewVersion(DocumentState state, ContentFacts f) =>
        new(state.DocumentId, state.Contents.Count + 1, f.Sha256, f.SizeBytes, f.MediaType, f.FileName, f.PdfPageCount, f.PdfVersion,
            f.PdfAConformance, f.ImageDpi, f.IsColour, state.Metadata!.ConfidenceLevel == Codes.ConfidenceDigitized,
            state.Digitizations.Any(d => d.ConvertedVersion == state.CurrentContent?.Version) ? state.CurrentContent!.Warnings : []);
}

using Signing.Validation;

namespace Signing.Tests.Validation.Corpus;

// Inside namespace Signing.Tests the signer's Signing.RevocationMode would win over the validator's.
using RevocationMode = Signing.Validation.RevocationMode;

/// <summary>Shared PKI and helpers for building and validating test documents.</summary>
public static class Scenario
{
    private static readonly Lazy<TestPki> LazyPki = new(() => new TestPki());
    public static TestPki Pki => LazyPki.Value;

    public static CmsOptions By(Identity signer) => new() { Signer = signer, ExtraCertificates = [Pki.Intermediate.Certificate] };

    public static MinimalPadesWriter Signed(CmsOptions o) => new MinimalPadesWriter().AppendSignature(data => CmsFactory.Sign(data, o));

    public static ValidationOptions Online => new()
    {
        TrustAnchors = Pki.Anchors,
        Revocation = RevocationMode.Online,
        TimeBudget = TimeSpan.FromSeconds(30),
    };

    public static ValidationOptions Offline => Online with { Revocation = RevocationMode.Offline };

    public static ValidationReport Validate(byte[] pdf, ValidationOptions? options = null) =>
        new PdfSignatureValidator().ValidateAsync(new MemoryStream(pdf), options ?? Online, CancellationToken.None).GetAwaiter().GetResult();

    public static SignatureReport Single(byte[] pdf, ValidationOptions? options = null) => Validate(pdf, options).Signatures.ShouldHaveSingleItem();

    /// <summary>The checks and later changes of a signature, for assertion messages.</summary>
    public static string Explain(SignatureReport sig) =>
        string.Join("\n", sig.Checks.Concat(sig.ChangesAfterSigning.Select(c => $"{c.Category} {c.Allowed}: {c.Description}")));
}

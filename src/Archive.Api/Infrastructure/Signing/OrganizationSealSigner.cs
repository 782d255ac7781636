using Archive.EventStore.Integrity.Seals;

namespace Archive.Api.Infrastructure.Signing;

/// <summary>
/// Audit seals signed by the organization identity (detached CMS, timestamped by its TSA), for the scheduled
/// seal job to resolve from DI. The CMS work is shared with the CLI's <c>CmsSealSigner</c> (Signing.Cms.DetachedCmsSigner).
/// </summary>
public sealed class OrganizationSealSigner(OrganizationSigning identity) : ISealSigner
{
    public async Task<SealSignature> SignAsync(byte[] content, CancellationToken ct = default)
    {
        var signed = await identity.CmsSigner().SignAsync(content, ct);
        return new SealSignature(signed.Signature, signed.TimestampToken);
    }

    public IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken) =>
        identity.CmsSigner().Verify(content, signature, timestampToken);
}

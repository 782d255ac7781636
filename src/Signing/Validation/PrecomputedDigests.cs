using System.Collections;
using Org.BouncyCastle.Security;

namespace Signing.Validation;

/// <summary>
/// The "hashes" map of BouncyCastle's <c>CmsSignedData(IDictionary, byte[])</c> (detached content, digests
/// precomputed), answered on demand from <see cref="SignedRanges"/>: the digest algorithm is only known once the CMS
/// is parsed, and BouncyCastle may look it up by OID or by name.
/// </summary>
internal sealed class PrecomputedDigests(SignedRanges ranges) : Hashtable
{
    public override object? this[object key]
    {
        get
        {
            if (key is not string s) return null;
            var oid = s.Length > 0 && char.IsDigit(s[0]) ? s : DigestUtilities.GetObjectIdentifier(s)?.Id;
            return oid is null ? null : ranges.Digest(oid);
        }
        set => throw new NotSupportedException();
    }

    public override bool Contains(object key) => this[key] is not null;
    public override bool ContainsKey(object key) => this[key] is not null;
}

using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Org.BouncyCastle.Security;

namespace Signing.Validation;

/// <summary>
/// The "hashes" map of BouncyCastle's <c>CmsSignedData(IDictionary, byte[])</c> (detached content, digests
/// precomputed), answered on demand from <see cref="SignedRanges"/>: the digest algorithm is only known once the CMS
/// is parsed, and BouncyCastle may look it up by OID or by name. Read-only; only lookups are answered.
/// </summary>
internal sealed class PrecomputedDigests(SignedRanges ranges) : IDictionary<string, byte[]>
{
    private byte[]? Lookup(string key)
    {
        var oid = key.Length > 0 && char.IsDigit(key[0]) ? key : DigestUtilities.GetObjectIdentifier(key)?.Id;
        return oid is null ? null : ranges.Digest(oid);
    }

    public byte[] this[string key]
    {
        get => Lookup(key) ?? throw new KeyNotFoundException(key);
        set => throw new NotSupportedException();
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out byte[] value) => (value = Lookup(key)) is not null;
    public bool ContainsKey(string key) => Lookup(key) is not null;
    public bool Contains(KeyValuePair<string, byte[]> item) => Lookup(item.Key) is { } v && v.AsSpan().SequenceEqual(item.Value);

    public ICollection<string> Keys => throw new NotSupportedException();
    public ICollection<byte[]> Values => throw new NotSupportedException();
    public int Count => throw new NotSupportedException();
    public bool IsReadOnly => true;
    public void Add(string key, byte[] value) => throw new NotSupportedException();
    public void Add(KeyValuePair<string, byte[]> item) => throw new NotSupportedException();
    public void Clear() => throw new NotSupportedException();
    public void CopyTo(KeyValuePair<string, byte[]>[] array, int arrayIndex) => throw new NotSupportedException();
    public bool Remove(string key) => throw new NotSupportedException();
    public bool Remove(KeyValuePair<string, byte[]> item) => throw new NotSupportedException();
    public IEnumerator<KeyValuePair<string, byte[]>> GetEnumerator() => throw new NotSupportedException();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

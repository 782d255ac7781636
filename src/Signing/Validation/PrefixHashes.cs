using System.Security.Cryptography;

namespace Signing.Validation;

/// <summary>
/// Hash states over prefixes of the file, kept so that each byte is hashed once per algorithm: a signature's first
/// range is a prefix, its digest continues with the second range, and the document's own SHA-256 (in the report)
/// continues from the same prefix instead of reading the whole file again.
/// </summary>
internal sealed class PrefixHashes(byte[] data, int length) : IDisposable
{
    private const int MaxStates = 32;
    private readonly List<(HashAlgorithmName Algorithm, long Offset, IncrementalHash State)> _states = [];

    /// <summary>A new hash that has consumed data[0..offset); the caller owns (and disposes) it.</summary>
    public IncrementalHash Prefix(HashAlgorithmName algorithm, long offset)
    {
        (long Offset, IncrementalHash? State) best = (0, null);
        foreach (var s in _states)
            if (s.Algorithm == algorithm && s.Offset <= offset && (best.State is null || s.Offset > best.Offset))
                best = (s.Offset, s.State);
        var hash = best.State?.Clone() ?? IncrementalHash.CreateHash(algorithm);
        hash.AppendData(data.AsSpan((int)best.Offset, (int)(offset - best.Offset)));
        if (offset != best.Offset && _states.Count < MaxStates) _states.Add((algorithm, offset, hash.Clone()));
        return hash;
    }

    public byte[] Whole(HashAlgorithmName algorithm)
    {
        using var hash = Prefix(algorithm, length);
        return hash.GetHashAndReset();
    }

    public void Dispose()
    {
        foreach (var s in _states) s.State.Dispose();
        _states.Clear();
    }
}

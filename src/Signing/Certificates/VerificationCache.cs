using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Signing.Certificates;

/// <summary>
/// Memoises pure cryptographic verifications (same inputs, same answer) across validations: an archive re-validates
/// the same certificates and tokens constantly, and BouncyCastle's RSA is slow. Bounded; cleared when full.
/// </summary>
internal static class VerificationCache
{
    private const int MaxEntries = 20_000;
    private static readonly ConcurrentDictionary<string, bool> Results = new();

    public static bool Verify(Func<bool> verify, params byte[][] inputs)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var input in inputs)
        {
            h.AppendData(BitConverter.GetBytes(input.Length));
            h.AppendData(input);
        }
        var key = Convert.ToHexString(h.GetHashAndReset());
        if (Results.TryGetValue(key, out var known)) return known;
        bool result;
        try { result = verify(); } catch (Exception) { result = false; }
        if (Results.Count >= MaxEntries) Results.Clear();
        Results[key] = result;
        return result;
    }
}

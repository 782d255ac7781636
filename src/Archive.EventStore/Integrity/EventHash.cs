using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Archive.EventStore.Integrity;

/// <summary>
/// The hash of an event, exactly as the append function computes it, so a verifier can
/// recompute it from the row alone.
/// <para>
/// hash = SHA-256 over the UTF-8 bytes of seven fields in this order, each written as
/// <c>&lt;byte length of the field's UTF-8&gt;:&lt;field&gt;,</c> (a netstring, so no field can
/// bleed into the next):
/// previous hash as lower-case hex (empty for a stream's first event), stream id, version in
/// decimal, stored type name, <c>data::text</c>, <c>metadata::text</c> (PostgreSQL's jsonb text
/// output, which is canonical for a jsonb value: keys sorted by length then bytes, fixed
/// spacing), and the recorded time as whole microseconds since 1970-01-01T00:00:00Z in decimal.
/// The previous hash of version n is the hash of version n-1 of the same stream.
/// </para>
/// </summary>
public static class EventHash
{
    public static byte[] Compute(byte[]? previousHash, string streamId, long version, string typeName,
        string dataJsonbText, string metadataJsonbText, DateTimeOffset recordedAt)
    {
        var micros = (recordedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var sb = new StringBuilder(256 + dataJsonbText.Length + metadataJsonbText.Length);
        Field(sb, previousHash is null ? "" : Convert.ToHexStringLower(previousHash));
        Field(sb, streamId);
        Field(sb, version.ToString(CultureInfo.InvariantCulture));
        Field(sb, typeName);
        Field(sb, dataJsonbText);
        Field(sb, metadataJsonbText);
        Field(sb, micros.ToString(CultureInfo.InvariantCulture));
        return SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static void Field(StringBuilder sb, string value) =>
        sb.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(',');
}

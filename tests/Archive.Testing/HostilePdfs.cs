using System.Text;

namespace Archive.Testing;

/// <summary>
/// Seeded mutations of a valid PDF, as an attacker or a broken scanner would send them: truncations, flipped and
/// overwritten bytes, deleted ranges, declared lengths and sizes far beyond the file, a huge xref stream. The same seed
/// gives the same files, so a failure found by the bench's <c>fuzz</c> run is replayed by the test. Shared by
/// <c>tests/Archive.Api.Tests</c> (small run in <c>./test.sh</c>) and <c>bench/Archive.Bench</c> (linked source).
/// </summary>
public static class HostilePdfs
{
    private const string Content = "q 72 0 0 72 0 0 cm /Im1 Do Q";

    /// <summary>A valid one-page PDF with one small image, its cross-reference table computed from the real offsets.</summary>
    public static byte[] Valid(int variant = 0)
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
            $"<< /Type /XObject /Subtype /Image /Width 300 /Height 4 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length 3600 >>\nstream\n{new string((char)(0x20 + variant % 90), 3600)}\nendstream",
            $"<< /Length {Content.Length} >>\nstream\n{Content}\nendstream",
        };
        var sb = new StringBuilder("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(sb.ToString()));
            sb.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.Latin1.GetByteCount(sb.ToString());
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:D10} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    /// <summary>The <paramref name="index"/>-th mutation of run <paramref name="seed"/>: deterministic.</summary>
    public static byte[] Mutate(byte[] pdf, int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var bytes = (byte[])pdf.Clone();
        switch (index % 8)
        {
            case 0: return bytes[..random.Next(8, bytes.Length)]; // truncated
            case 1:
                for (var i = 0; i < 1 + random.Next(16); i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes; // flipped bits
            case 2:
            {
                var at = random.Next(bytes.Length);
                var n = Math.Min(bytes.Length - at, 1 + random.Next(64));
                random.NextBytes(bytes.AsSpan(at, n));
                return bytes; // overwritten region
            }
            case 3:
            {
                var at = random.Next(bytes.Length);
                var n = Math.Min(bytes.Length - at, 1 + random.Next(256));
                return [.. bytes[..at], .. bytes[(at + n)..]]; // deleted range
            }
            case 4: return Replace(bytes, "/Length 3600", "/Length " + (random.Next(2) == 0 ? "2147483647" : "99999999999")); // lying length
            case 5: return Replace(bytes, "/Size 6", "/Size " + (random.Next(2) == 0 ? "2147483647" : "900000000")); // lying size
            case 6: // an xref stream whose declared length is absurd, as in the report
                return Encoding.Latin1.GetBytes(
                    $"%PDF-1.7\n1 0 obj\n<< /Type /XRef /Size 3 /W [1 2 1] /Length {int.MaxValue - random.Next(1000)} >>\nstream\n\u0001\u0000\u0000\u0000\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
            default: // numbers replaced by random ones (object numbers, offsets, counts)
            {
                var text = Encoding.Latin1.GetString(bytes);
                var digits = System.Text.RegularExpressions.Regex.Replace(text, @"\d+", m => random.Next(6) == 0 ? random.Next().ToString() : m.Value);
                return Encoding.Latin1.GetBytes(digits);
            }
        }
    }

    private static byte[] Replace(byte[] bytes, string what, string with) =>
        Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace(what, with));
}

using System.IO.Compression;

namespace Signing.Pdf;

/// <summary>Decodes the stream filters needed to read cross-reference, object and DSS streams, for the signer and the validator alike.</summary>
public static class StreamDecoder
{
    /// <summary>Raw stream data through its filters; only FlateDecode (with PNG predictors) is supported, which is what structural streams and DSS writers use.</summary>
    public static byte[] Decode(PdfStream stream, Func<PdfObject?, PdfObject?> resolve, int maxBytes = MaxInflatedBytes)
    {
        var filter = resolve(stream.Dictionary["Filter"]);
        var parms = resolve(stream.Dictionary["DecodeParms"]);
        var filters = filter switch
        {
            null => new List<PdfObject>(),
            PdfArray a => a.Items,
            _ => new List<PdfObject> { filter },
        };
        var data = stream.RawData;
        for (var i = 0; i < filters.Count; i++)
        {
            var name = (resolve(filters[i]) as PdfName)?.Value;
            var p = parms is PdfArray pa ? resolve(pa.Items.ElementAtOrDefault(i)) as PdfDictionary : parms as PdfDictionary;
            data = name switch
            {
                "FlateDecode" or "Fl" => Unpredict(Inflate(data, maxBytes), p),
                _ => throw new PdfFormatException($"Unsupported filter {name} on a structural stream."),
            };
        }
        return data;
    }

    /// <summary>Most a structural stream (object or xref stream) may inflate to: a decompression bomb stops here.</summary>
    public const int MaxInflatedBytes = 64 * 1024 * 1024;

    public static byte[] Inflate(byte[] data, int maxBytes = MaxInflatedBytes)
    {
        using var input = new MemoryStream(data);
        using var z = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int n;
            while ((n = z.Read(buffer)) > 0)
            {
                if (output.Length + n > maxBytes) throw new PdfFormatException($"A stream inflates to more than {maxBytes} bytes.");
                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException) when (output.Length > 0) { /* trailing garbage after a valid deflate body */ }
        return output.ToArray();
    }

    public static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal)) z.Write(data);
        return output.ToArray();
    }

    private static byte[] Unpredict(byte[] data, PdfDictionary? parms)
    {
        var predictor = (parms?["Predictor"] as PdfNumber)?.LongValue ?? 1;
        if (predictor < 10) return data;
        var columns = (int)((parms?["Columns"] as PdfNumber)?.LongValue ?? 1);
        var colors = (int)((parms?["Colors"] as PdfNumber)?.LongValue ?? 1);
        var bpc = (int)((parms?["BitsPerComponent"] as PdfNumber)?.LongValue ?? 8);
        var bpp = Math.Max(1, colors * bpc / 8);
        if (data.Length == 0) return data;
        var rowBits = (long)columns * colors * bpc;
        // Row sizes come from the file: one longer than the data itself cannot be right (and must not be allocated).
        if (columns <= 0 || colors <= 0 || bpc <= 0 || rowBits <= 0 || (rowBits + 7) / 8 >= data.Length) throw new PdfFormatException("Predictor parameters do not fit the stream.");
        var rowLen = (int)((rowBits + 7) / 8);
        var rows = data.Length / (rowLen + 1);
        var result = new byte[rows * rowLen];
        var prev = new byte[rowLen];
        for (var r = 0; r < rows; r++)
        {
            var type = data[r * (rowLen + 1)];
            var row = data.AsSpan(r * (rowLen + 1) + 1, rowLen).ToArray();
            for (var i = 0; i < rowLen; i++)
            {
                int left = i >= bpp ? row[i - bpp] : 0, up = prev[i], ul = i >= bpp ? prev[i - bpp] : 0;
                row[i] = type switch
                {
                    1 => (byte)(row[i] + left),
                    2 => (byte)(row[i] + up),
                    3 => (byte)(row[i] + (left + up) / 2),
                    4 => (byte)(row[i] + Paeth(left, up, ul)),
                    _ => row[i],
                };
            }
            row.CopyTo(result, r * rowLen);
            prev = row;
        }
        return result;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

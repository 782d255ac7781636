using System.Text;

namespace Signing.Pdf;

/// <summary>Raised for any malformed or over-limit input; the validator turns it into a FORMAT_FAILURE, the signer refuses the file.</summary>
public sealed class PdfFormatException(string message) : Exception(message);

/// <summary>
/// The one PDF lexer and parser (ISO 32000-2 7.2-7.3) of the signer and the validator: small and bounds-checked.
/// Every read stays inside data[0..end) of the caller's view (a revision prefix, or the file), nesting is capped,
/// and nothing is allocated from a size the file claims: /Length is believed only where it lands on "endstream".
/// Two ways in: <see cref="ParseIndirectAt"/> where a cross-reference entry points (<see cref="PdfDocumentReader"/>),
/// and <see cref="ScanObjects(long, long)"/>, which finds "n g obj ... endobj" definitions in order without trusting
/// any xref, so the validator sees every revision as written (<c>Validation.Pdf.PdfDocumentModel</c>).
/// </summary>
public sealed class PdfParser(byte[] data, int length, int maxDepth, int maxObjects, CancellationToken ct)
{
    /// <summary>Nesting a reader accepts when no validation options say otherwise.</summary>
    public const int DefaultMaxDepth = 64;

    public PdfParser(byte[] data, int maxDepth, int maxObjects, CancellationToken ct) : this(data, data.Length, maxDepth, maxObjects, ct) { }

    public PdfParser(byte[] data) : this(data, data.Length, DefaultMaxDepth, int.MaxValue, CancellationToken.None) { }

    /// <summary>Resolves an indirect /Length (the signer's reader knows the xref); without it only direct lengths are believed.</summary>
    public Func<PdfReference, long?>? LengthResolver { get; init; }

    /// <summary>The buffer; only data[0..Length) is the file (the buffer may be pooled and longer).</summary>
    public byte[] Data => data;
    public int Length => length;

    /// <summary>Offsets just after every "%%EOF" marker (and its end-of-line), i.e. where each revision ends.</summary>
    public List<long> RevisionEnds()
    {
        var ends = new List<long>();
        var marker = "%%EOF"u8;
        int from = 0;
        while (from < length)
        {
            int idx = data.AsSpan(from, length - from).IndexOf(marker);
            if (idx < 0) break;
            long end = from + idx + marker.Length;
            if (end < length && data[end] == '\r') end++;
            if (end < length && data[end] == '\n') end++;
            ends.Add(end);
            from = (int)end;
        }
        return ends;
    }

    /// <summary>All indirect objects defined in data[0..end), later definitions winning.</summary>
    public Dictionary<int, PdfIndirect> ScanObjects(long end) => ScanObjects(0, end);

    /// <summary>Indirect objects defined in data[from..end), later definitions winning.</summary>
    public Dictionary<int, PdfIndirect> ScanObjects(long from, long end)
    {
        var result = new Dictionary<int, PdfIndirect>();
        long pos = from;
        int count = 0;
        while (pos < end)
        {
            ct.ThrowIfCancellationRequested();
            int idx = data.AsSpan((int)pos, (int)(end - pos)).IndexOf("obj"u8);
            if (idx < 0) break;
            long objKeyword = pos + idx;
            // Any whitespace may separate the generation from "obj" (viewers follow xref offsets, so we must not be stricter).
            long start = objKeyword > 0 && IsWhite(data[objKeyword - 1]) ? BackToObjectHeader(objKeyword - 1) : -1;
            if (start < 0) { pos = objKeyword + 3; continue; }
            try
            {
                var obj = ParseIndirectAt(start, end);
                if (obj is not null)
                {
                    if (++count > maxObjects) throw new PdfFormatException($"more than {maxObjects} objects");
                    result[obj.Number] = obj;
                    pos = obj.End;
                    continue;
                }
            }
            catch (PdfFormatException) when (count <= maxObjects)
            {
                // A damaged object is skipped; the change analysis will see it as missing or different.
            }
            pos = objKeyword + 3;
        }
        return result;
    }

    /// <summary>Given the offset of the space before "obj", walks back over "num gen" and returns the header start.</summary>
    private long BackToObjectHeader(long spaceBeforeObj)
    {
        long p = spaceBeforeObj + 1;
        while (p > 0 && IsWhite(data[p - 1])) p--;
        long genEnd = p;
        while (p > 0 && IsDigit(data[p - 1])) p--;
        if (p == genEnd || p == 0 || !IsWhite(data[p - 1])) return -1;
        while (p > 0 && IsWhite(data[p - 1])) p--;
        long numEnd = p;
        while (p > 0 && IsDigit(data[p - 1])) p--;
        if (p == numEnd) return -1;
        // No requirement on the byte before the header: a viewer reaching it through the xref would not care either.
        return p;
    }

    /// <param name="lenient">accept a missing "endobj" (a viewer following the xref does; the scan must not).</param>
    public PdfIndirect? ParseIndirectAt(long start, long end, bool lenient = false)
    {
        long pos = start;
        var num = ReadInteger(ref pos, end);
        var gen = ReadInteger(ref pos, end);
        SkipWhite(ref pos, end);
        if (!Matches(pos, end, "obj"u8)) return null;
        pos += 3;
        if (num is < 0 or > int.MaxValue || gen is < 0 or > 65535) return null;
        var value = ParseValue(ref pos, end, 0);
        SkipWhite(ref pos, end);
        long streamStart = -1, streamLength = -1;
        if (value is PdfDictionary dict && Matches(pos, end, "stream"u8))
        {
            pos += 6;
            if (pos < end && data[pos] == '\r') pos++;
            if (pos < end && data[pos] == '\n') pos++;
            streamStart = pos;
            long len = dict["Length"] switch
            {
                PdfNumber n => n.LongValue,
                PdfReference r when LengthResolver?.Invoke(r) is { } resolved => resolved,
                _ => -1,
            };
            // /Length is only trusted when it lands on "endstream"; otherwise (indirect, huge, wrong) we search.
            if (len >= 0 && len <= end - pos && EndstreamFollows(pos + len, end)) streamLength = len;
            else
            {
                int e = data.AsSpan((int)pos, (int)(end - pos)).IndexOf("endstream"u8);
                if (e < 0) throw new PdfFormatException("stream without endstream");
                long dataEnd = pos + e;
                if (dataEnd > pos && data[dataEnd - 1] == '\n') dataEnd--;
                if (dataEnd > pos && data[dataEnd - 1] == '\r') dataEnd--;
                streamLength = dataEnd - pos;
            }
            pos = streamStart + streamLength;
            SkipWhite(ref pos, end);
            if (!Matches(pos, end, "endstream"u8)) throw new PdfFormatException("endstream missing");
            pos += 9;
            SkipWhite(ref pos, end);
        }
        if (Matches(pos, end, "endobj"u8)) pos += 6;
        else if (!lenient) throw new PdfFormatException($"endobj missing for object {num}");
        return new PdfIndirect((int)num, (int)gen, value, start, pos, streamStart, streamLength);
    }

    private bool EndstreamFollows(long p, long end)
    {
        SkipWhite(ref p, end);
        return Matches(p, end, "endstream"u8);
    }

    public PdfObject ParseValue(ref long pos, long end, int depth)
    {
        if (depth > maxDepth) throw new PdfFormatException($"nesting deeper than {maxDepth}");
        SkipWhite(ref pos, end);
        if (pos >= end) throw new PdfFormatException("unexpected end of data");
        byte c = data[pos];
        switch (c)
        {
            case (byte)'/':
                return new PdfName(ReadName(ref pos, end));
            case (byte)'(':
                return new PdfString(ReadLiteral(ref pos, end));
            case (byte)'[':
            {
                pos++;
                var items = new List<PdfObject>();
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    SkipWhite(ref pos, end);
                    if (pos >= end) throw new PdfFormatException("unterminated array");
                    if (data[pos] == ']') { pos++; return new PdfArray(items); }
                    items.Add(ParseValue(ref pos, end, depth + 1));
                }
            }
            case (byte)'<':
                if (pos + 1 < end && data[pos + 1] == '<')
                {
                    pos += 2;
                    var entries = new PdfDictionary();
                    while (true)
                    {
                        ct.ThrowIfCancellationRequested();
                        SkipWhite(ref pos, end);
                        if (pos + 1 < end && data[pos] == '>' && data[pos + 1] == '>') { pos += 2; return entries; }
                        if (pos >= end || data[pos] != '/') throw new PdfFormatException("dictionary key expected");
                        var key = ReadName(ref pos, end);
                        entries[key] = ParseValue(ref pos, end, depth + 1);
                    }
                }
                return new PdfString(ReadHex(ref pos, end));
            default:
                if (IsDigit(c) || c is (byte)'-' or (byte)'+' or (byte)'.')
                {
                    long save = pos;
                    var (first, raw) = ReadNumber(ref pos, end);
                    // "n g R" is a reference; look ahead without committing.
                    long look = pos;
                    if (first >= 0 && first == Math.Floor(first) && TryReadInt(ref look, end, out var gen))
                    {
                        SkipWhite(ref look, end);
                        if (look < end && data[look] == 'R' && (look + 1 >= end || !IsRegular(data[look + 1])))
                        {
                            pos = look + 1;
                            return new PdfReference((int)Math.Min(first, int.MaxValue), (int)Math.Min(gen, int.MaxValue));
                        }
                    }
                    _ = save;
                    return new PdfNumber(raw);
                }
                if (Matches(pos, end, "true"u8)) { pos += 4; return new PdfBoolean(true); }
                if (Matches(pos, end, "false"u8)) { pos += 5; return new PdfBoolean(false); }
                if (Matches(pos, end, "null"u8)) { pos += 4; return PdfNull.Instance; }
                throw new PdfFormatException($"unexpected byte 0x{c:X2} at {pos}");
        }
    }

    /// <summary>The next regular token (a keyword or number, at most 64 bytes), without consuming a delimiter.</summary>
    public string ReadKeyword(ref long pos, long end)
    {
        SkipWhite(ref pos, end);
        long s = pos;
        while (pos < end && IsRegular(data[pos]) && pos - s < 64) pos++;
        return Encoding.ASCII.GetString(data, (int)s, (int)(pos - s));
    }

    public static int IndexOf(byte[] data, ReadOnlySpan<byte> pattern, int start)
    {
        var i = data.AsSpan(start).IndexOf(pattern);
        return i < 0 ? -1 : i + start;
    }

    private bool TryReadInt(ref long pos, long end, out long value)
    {
        value = 0;
        long p = pos;
        SkipWhite(ref p, end);
        long s = p;
        while (p < end && IsDigit(data[p]) && p - s < 10) { value = value * 10 + (data[p] - '0'); p++; }
        if (p == s || (p < end && IsRegular(data[p]))) return false;
        pos = p;
        return true;
    }

    private long ReadInteger(ref long pos, long end)
    {
        SkipWhite(ref pos, end);
        long s = pos, v = 0;
        while (pos < end && IsDigit(data[pos]) && pos - s < 10) { v = v * 10 + (data[pos] - '0'); pos++; }
        return pos == s ? -1 : v;
    }

    private (double Value, string Raw) ReadNumber(ref long pos, long end)
    {
        long s = pos;
        while (pos < end && pos - s < 40 && (IsDigit(data[pos]) || data[pos] is (byte)'-' or (byte)'+' or (byte)'.')) pos++;
        var text = Encoding.ASCII.GetString(data, (int)s, (int)(pos - s));
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? (d, text) : throw new PdfFormatException($"bad number '{text}'");
    }

    private string ReadName(ref long pos, long end)
    {
        pos++; // '/'
        var sb = new StringBuilder();
        while (pos < end && IsRegular(data[pos]))
        {
            if (data[pos] == '#' && pos + 2 < end && IsHex(data[pos + 1]) && IsHex(data[pos + 2]))
            {
                sb.Append((char)Convert.ToByte(Encoding.ASCII.GetString(data, (int)pos + 1, 2), 16));
                pos += 3;
            }
            else sb.Append((char)data[pos++]);
            if (sb.Length > 256) throw new PdfFormatException("name too long");
        }
        return sb.ToString();
    }

    private byte[] ReadLiteral(ref long pos, long end)
    {
        pos++;
        var bytes = new List<byte>();
        int nesting = 1;
        while (pos < end)
        {
            byte c = data[pos++];
            if (c == '\\' && pos < end)
            {
                byte e = data[pos++];
                switch (e)
                {
                    case (byte)'n': bytes.Add((byte)'\n'); break;
                    case (byte)'r': bytes.Add((byte)'\r'); break;
                    case (byte)'t': bytes.Add((byte)'\t'); break;
                    case (byte)'b': bytes.Add(8); break;
                    case (byte)'f': bytes.Add(12); break;
                    case (byte)'\r': if (pos < end && data[pos] == '\n') pos++; break;
                    case (byte)'\n': break;
                    default:
                        if (e >= '0' && e <= '7')
                        {
                            int v = e - '0';
                            for (int i = 0; i < 2 && pos < end && data[pos] >= '0' && data[pos] <= '7'; i++) v = v * 8 + (data[pos++] - '0');
                            bytes.Add((byte)v);
                        }
                        else bytes.Add(e);
                        break;
                }
                continue;
            }
            if (c == '(') nesting++;
            if (c == ')' && --nesting == 0) return bytes.ToArray();
            bytes.Add(c);
        }
        throw new PdfFormatException("unterminated string");
    }

    private byte[] ReadHex(ref long pos, long end)
    {
        pos++;
        var bytes = new List<byte>();
        int hi = -1;
        while (pos < end)
        {
            byte c = data[pos++];
            if (c == '>')
            {
                if (hi >= 0) bytes.Add((byte)(hi << 4));
                return bytes.ToArray();
            }
            if (IsWhite(c)) continue;
            if (!IsHex(c)) throw new PdfFormatException("bad hex string");
            int v = HexValue(c);
            if (hi < 0) hi = v; else { bytes.Add((byte)(hi << 4 | v)); hi = -1; }
        }
        throw new PdfFormatException("unterminated hex string");
    }

    public void SkipWhite(ref long pos, long end)
    {
        while (pos < end)
        {
            if (IsWhite(data[pos])) pos++;
            else if (data[pos] == '%') { while (pos < end && data[pos] != '\n' && data[pos] != '\r') pos++; }
            else break;
        }
    }

    private bool Matches(long pos, long end, ReadOnlySpan<byte> token) =>
        pos + token.Length <= end && data.AsSpan((int)pos, token.Length).SequenceEqual(token);

    internal static bool IsWhite(byte c) => c is 0 or 9 or 10 or 12 or 13 or 32;
    internal static bool IsDelimiter(byte c) => c is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';
    private static bool IsRegular(byte c) => !IsWhite(c) && !IsDelimiter(c);
    private static bool IsDigit(byte c) => c >= '0' && c <= '9';
    internal static bool IsHex(byte c) => IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

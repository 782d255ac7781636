using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>Reads PDF objects from raw bytes at a given position (ISO 32000-2 §7.2–7.3).</summary>
public sealed class PdfLexer
{
    private readonly byte[] _data;
    private readonly Func<PdfReference, PdfObject?>? _resolver;

    public PdfLexer(byte[] data, int position = 0, Func<PdfReference, PdfObject?>? resolver = null)
    {
        _data = data;
        Position = position;
        _resolver = resolver;
    }

    public int Position { get; set; }

    public static bool IsWhite(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;
    public static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    public void SkipWhite()
    {
        while (Position < _data.Length)
        {
            var b = _data[Position];
            if (IsWhite(b)) Position++;
            else if (b == '%')
            {
                while (Position < _data.Length && _data[Position] != '\n' && _data[Position] != '\r') Position++;
            }
            else break;
        }
    }

    /// <summary>Next regular token (keyword or number) without consuming delimiters.</summary>
    public string ReadKeyword()
    {
        SkipWhite();
        var start = Position;
        while (Position < _data.Length && !IsWhite(_data[Position]) && !IsDelimiter(_data[Position])) Position++;
        return Encoding.ASCII.GetString(_data, start, Position - start);
    }

    public string PeekKeyword()
    {
        var p = Position;
        var k = ReadKeyword();
        Position = p;
        return k;
    }

    /// <summary>Parses "n g obj ... endobj" at the current position.</summary>
    public (int Number, int Generation, PdfObject Value) ReadIndirectObject()
    {
        var n = int.Parse(ReadKeyword(), CultureInfo.InvariantCulture);
        var g = int.Parse(ReadKeyword(), CultureInfo.InvariantCulture);
        var kw = ReadKeyword();
        if (kw != "obj") throw new PdfFormatException($"Expected 'obj' for object {n} at {Position}.");
        return (n, g, ReadObject());
    }

    public PdfObject ReadObject()
    {
        SkipWhite();
        if (Position >= _data.Length) throw new PdfFormatException("Unexpected end of file.");
        var b = _data[Position];
        switch (b)
        {
            case (byte)'/': return ReadName();
            case (byte)'(': return ReadLiteralString();
            case (byte)'[':
            {
                Position++;
                var items = new List<PdfObject>();
                while (true)
                {
                    SkipWhite();
                    if (Position >= _data.Length) throw new PdfFormatException("Unterminated array.");
                    if (_data[Position] == ']') { Position++; break; }
                    items.Add(ReadObject());
                }
                return new PdfArray(items);
            }
            case (byte)'<':
                if (Position + 1 < _data.Length && _data[Position + 1] == '<') return ReadDictionaryOrStream();
                return ReadHexString();
        }

        var token = ReadKeyword();
        if (token.Length == 0) throw new PdfFormatException($"Unexpected byte 0x{b:X2} at {Position}.");
        switch (token)
        {
            case "true": return new PdfBoolean(true);
            case "false": return new PdfBoolean(false);
            case "null": return PdfNull.Instance;
        }
        if (IsInteger(token))
        {
            // "n g R" is a reference; look ahead without committing.
            var save = Position;
            var second = ReadKeyword();
            if (IsInteger(second))
            {
                var third = ReadKeyword();
                if (third == "R")
                    return new PdfReference(int.Parse(token, CultureInfo.InvariantCulture), int.Parse(second, CultureInfo.InvariantCulture));
            }
            Position = save;
            return new PdfNumber(token);
        }
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return new PdfNumber(token);
        throw new PdfFormatException($"Unexpected token '{token}' at {Position}.");
    }

    private static bool IsInteger(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private PdfName ReadName()
    {
        Position++;
        var bytes = new List<byte>();
        while (Position < _data.Length && !IsWhite(_data[Position]) && !IsDelimiter(_data[Position]))
        {
            var c = _data[Position++];
            if (c == '#' && Position + 1 < _data.Length &&
                byte.TryParse(Encoding.ASCII.GetString(_data, Position, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            {
                bytes.Add(v);
                Position += 2;
            }
            else bytes.Add(c);
        }
        return new PdfName(Encoding.UTF8.GetString(bytes.ToArray()));
    }

    private PdfString ReadHexString()
    {
        Position++;
        var hex = new StringBuilder();
        while (Position < _data.Length && _data[Position] != '>')
        {
            var c = (char)_data[Position++];
            if (Uri.IsHexDigit(c)) hex.Append(c);
        }
        Position++;
        if (hex.Length % 2 == 1) hex.Append('0');
        return new PdfString(Convert.FromHexString(hex.ToString()));
    }

    private PdfString ReadLiteralString()
    {
        Position++;
        var depth = 1;
        var bytes = new List<byte>();
        while (Position < _data.Length)
        {
            var c = _data[Position++];
            if (c == '\\')
            {
                var e = _data[Position++];
                switch (e)
                {
                    case (byte)'n': bytes.Add(10); break;
                    case (byte)'r': bytes.Add(13); break;
                    case (byte)'t': bytes.Add(9); break;
                    case (byte)'b': bytes.Add(8); break;
                    case (byte)'f': bytes.Add(12); break;
                    case (byte)'\r': if (Position < _data.Length && _data[Position] == '\n') Position++; break;
                    case (byte)'\n': break;
                    default:
                        if (e >= '0' && e <= '7')
                        {
                            var v = e - '0';
                            for (var i = 0; i < 2 && Position < _data.Length && _data[Position] >= '0' && _data[Position] <= '7'; i++)
                                v = v * 8 + (_data[Position++] - '0');
                            bytes.Add((byte)v);
                        }
                        else bytes.Add(e);
                        break;
                }
            }
            else if (c == '(') { depth++; bytes.Add(c); }
            else if (c == ')')
            {
                if (--depth == 0) break;
                bytes.Add(c);
            }
            else bytes.Add(c);
        }
        return new PdfString(bytes.ToArray());
    }

    private PdfObject ReadDictionaryOrStream()
    {
        Position += 2;
        var dict = new PdfDictionary();
        while (true)
        {
            SkipWhite();
            if (Position >= _data.Length) throw new PdfFormatException("Unterminated dictionary.");
            if (_data[Position] == '>' && Position + 1 < _data.Length && _data[Position + 1] == '>') { Position += 2; break; }
            var key = ReadObject() as PdfName ?? throw new PdfFormatException($"Dictionary key is not a name at {Position}.");
            var value = ReadObject();
            dict[key.Value] = value;
        }

        var save = Position;
        if (ReadKeyword() != "stream") { Position = save; return dict; }
        if (Position < _data.Length && _data[Position] == '\r') Position++;
        if (Position < _data.Length && _data[Position] == '\n') Position++;
        var start = Position;
        var length = -1;
        var lenObj = dict["Length"];
        if (lenObj is PdfReference r && _resolver is not null) lenObj = _resolver(r);
        // A /Length is only believed within the bytes that exist (2147483647 must neither overflow nor allocate).
        if (lenObj is PdfNumber n && n.LongValue >= 0 && n.LongValue <= _data.Length - start) length = (int)n.LongValue;
        if (length < 0 || !FollowedByEndstream(start + length))
        {
            // A wrong /Length is common in the wild; fall back to the endstream keyword.
            var end = IndexOf(_data, "endstream"u8, start);
            if (end < 0) throw new PdfFormatException("Stream without endstream.");
            length = end - start;
            while (length > 0 && (_data[start + length - 1] == '\n' || _data[start + length - 1] == '\r')) length--;
        }
        var raw = _data.AsSpan(start, length).ToArray();
        Position = start + length;
        ReadKeyword(); // endstream
        return new PdfStream(dict, raw);
    }

    private bool FollowedByEndstream(int pos)
    {
        while (pos < _data.Length && IsWhite(_data[pos])) pos++;
        return pos + 9 <= _data.Length && _data.AsSpan(pos, 9).SequenceEqual("endstream"u8);
    }

    public static int IndexOf(byte[] data, ReadOnlySpan<byte> pattern, int start)
    {
        var i = data.AsSpan(start).IndexOf(pattern);
        return i < 0 ? -1 : i + start;
    }

    public static int LastIndexOf(byte[] data, ReadOnlySpan<byte> pattern) => data.AsSpan().LastIndexOf(pattern);
}

public sealed class PdfFormatException(string message) : Exception(message);

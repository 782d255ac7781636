using System.Text;

namespace Signing.Validation.Pdf;

/// <summary>Minimal PDF object model used only for validation: values are immutable and compared by canonical text.</summary>
internal abstract record PdfValue
{
    /// <summary>Canonical serialisation; two values with equal canonical text are treated as the same object content.</summary>
    public abstract void Write(StringBuilder sb);

    public string Canonical()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }
}

internal sealed record PdfNull : PdfValue
{
    public static readonly PdfNull Instance = new();
    public override void Write(StringBuilder sb) => sb.Append("null");
}

internal sealed record PdfBool(bool Value) : PdfValue
{
    public override void Write(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

internal sealed record PdfNumber(double Value) : PdfValue
{
    public long AsLong => (long)Value;
    public override void Write(StringBuilder sb) => sb.Append(Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
}

internal sealed record PdfName(string Value) : PdfValue
{
    public override void Write(StringBuilder sb) => sb.Append('/').Append(Value);
}

internal sealed record PdfString(byte[] Bytes, bool Hex) : PdfValue
{
    public override void Write(StringBuilder sb) => sb.Append('<').Append(Convert.ToHexString(Bytes)).Append('>');

    /// <summary>Text strings may be PDFDocEncoding or UTF-16BE with a BOM.</summary>
    public string Text()
    {
        if (Bytes.Length >= 2 && Bytes[0] == 0xFE && Bytes[1] == 0xFF)
            return Encoding.BigEndianUnicode.GetString(Bytes, 2, Bytes.Length - 2);
        return Encoding.Latin1.GetString(Bytes);
    }
}

internal sealed record PdfRef(int Number, int Generation) : PdfValue
{
    public override void Write(StringBuilder sb) => sb.Append(Number).Append(' ').Append(Generation).Append(" R");
}

internal sealed record PdfArray(IReadOnlyList<PdfValue> Items) : PdfValue
{
    public override void Write(StringBuilder sb)
    {
        sb.Append('[');
        foreach (var item in Items) { item.Write(sb); sb.Append(' '); }
        sb.Append(']');
    }
}

internal sealed record PdfDict(IReadOnlyDictionary<string, PdfValue> Entries) : PdfValue
{
    public PdfValue? this[string key] => Entries.TryGetValue(key, out var v) ? v : null;

    public string? NameOf(string key) => this[key] is PdfName n ? n.Value : null;

    public override void Write(StringBuilder sb) => WriteExcept(sb, []);

    public void WriteExcept(StringBuilder sb, IReadOnlyCollection<string> ignored)
    {
        sb.Append("<<");
        foreach (var kv in Entries.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (ignored.Contains(kv.Key)) continue;
            sb.Append('/').Append(kv.Key).Append(' ');
            kv.Value.Write(sb);
            sb.Append(' ');
        }
        sb.Append(">>");
    }

    public string CanonicalExcept(params string[] ignored)
    {
        var sb = new StringBuilder();
        WriteExcept(sb, ignored);
        return sb.ToString();
    }
}

/// <summary>An indirect object as found in the file: its value plus, for streams, where the raw data lies.</summary>
internal sealed record PdfIndirect(int Number, int Generation, PdfValue Value, long Offset, long End, long StreamStart = -1, long StreamLength = -1)
{
    public bool IsStream => StreamStart >= 0;
    public PdfDict? Dict => Value as PdfDict;
}

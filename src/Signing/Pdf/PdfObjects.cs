using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>A parsed PDF object. Serialization is lossless enough to rewrite dictionaries in an incremental update.</summary>
public abstract record PdfObject
{
    public abstract void WriteTo(StringBuilder sb);

    public string Serialize()
    {
        var sb = new StringBuilder();
        WriteTo(sb);
        return sb.ToString();
    }
}

public sealed record PdfNull : PdfObject
{
    public static readonly PdfNull Instance = new();
    public override void WriteTo(StringBuilder sb) => sb.Append("null");
}

public sealed record PdfBoolean(bool Value) : PdfObject
{
    public override void WriteTo(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

/// <summary>Keeps the original token so rewritten objects reproduce numbers exactly.</summary>
public sealed record PdfNumber(string Raw) : PdfObject
{
    public PdfNumber(long value) : this(value.ToString(CultureInfo.InvariantCulture)) { }
    public static PdfNumber Of(double value) => new(value.ToString("0.###", CultureInfo.InvariantCulture));
    public double Value => double.Parse(Raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    public long LongValue => (long)Value;
    public override void WriteTo(StringBuilder sb) => sb.Append(Raw);
}

public sealed record PdfName(string Value) : PdfObject
{
    public override void WriteTo(StringBuilder sb)
    {
        sb.Append('/');
        foreach (var b in Encoding.UTF8.GetBytes(Value))
        {
            if (b < 0x21 || b > 0x7e || "()<>[]{}/%#".IndexOf((char)b) >= 0)
                sb.Append('#').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
    }
}

/// <summary>String bytes as decoded; always written back in hex form, which is unambiguous.</summary>
public sealed record PdfString(byte[] Bytes) : PdfObject
{
    public static PdfString FromText(string s) => new(Encoding.Latin1.GetBytes(s));
    public override void WriteTo(StringBuilder sb) => sb.Append('<').Append(Convert.ToHexString(Bytes)).Append('>');
    public string AsLatin1() => Encoding.Latin1.GetString(Bytes);
}

public sealed record PdfReference(int Number, int Generation) : PdfObject
{
    public override void WriteTo(StringBuilder sb) => sb.Append(Number).Append(' ').Append(Generation).Append(" R");
}

public sealed record PdfArray(List<PdfObject> Items) : PdfObject
{
    public PdfArray(params PdfObject[] items) : this(items.ToList()) { }

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0) sb.Append(' ');
            Items[i].WriteTo(sb);
        }
        sb.Append(']');
    }
}

public sealed record PdfDictionary(List<KeyValuePair<string, PdfObject>> Entries) : PdfObject
{
    public PdfDictionary() : this(new List<KeyValuePair<string, PdfObject>>()) { }

    public PdfObject? this[string key]
    {
        get
        {
            foreach (var e in Entries) if (e.Key == key) return e.Value;
            return null;
        }
        set
        {
            var i = Entries.FindIndex(e => e.Key == key);
            if (value is null) { if (i >= 0) Entries.RemoveAt(i); return; }
            if (i >= 0) Entries[i] = new(key, value); else Entries.Add(new(key, value));
        }
    }

    public PdfDictionary Set(string key, PdfObject value) { this[key] = value; return this; }

    public PdfDictionary Copy() => new(new List<KeyValuePair<string, PdfObject>>(Entries));

    public string? NameOf(string key) => (this[key] as PdfName)?.Value;

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append("<<");
        foreach (var e in Entries)
        {
            new PdfName(e.Key).WriteTo(sb);
            sb.Append(' ');
            e.Value.WriteTo(sb);
        }
        sb.Append(">>");
    }
}

/// <summary>A stream whose data is kept raw (still encoded) as read from the file.</summary>
public sealed record PdfStream(PdfDictionary Dictionary, byte[] RawData) : PdfObject
{
    public override void WriteTo(StringBuilder sb) =>
        throw new InvalidOperationException("Streams are written as bytes, not text.");
}

/// <summary>Pre-formatted PDF text, used for fixed-width placeholders that are patched after layout.</summary>
public sealed record PdfRaw(string Text) : PdfObject
{
    public override void WriteTo(StringBuilder sb) => sb.Append(Text);
}

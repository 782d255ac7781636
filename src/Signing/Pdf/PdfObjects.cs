using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>
/// A parsed PDF object, the one object model of the signer and the validator. <see cref="Serialize"/> is lossless
/// enough to rewrite dictionaries in an incremental update; <see cref="Canonical"/> is the comparison form the change
/// analysis uses (dictionary keys sorted, numbers by value), so two values with equal canonical text are the same content.
/// </summary>
public abstract record PdfObject
{
    public abstract void WriteTo(StringBuilder sb);

    public virtual void WriteCanonical(StringBuilder sb) => WriteTo(sb);

    public string Canonical()
    {
        var sb = new StringBuilder();
        WriteCanonical(sb);
        return sb.ToString();
    }

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
    public double Value { get; } = double.Parse(Raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    public long LongValue => (long)Value;
    public override void WriteTo(StringBuilder sb) => sb.Append(Raw);
    public override void WriteCanonical(StringBuilder sb) => sb.Append(Value.ToString("R", CultureInfo.InvariantCulture));
}

public sealed record PdfName(string Value) : PdfObject
{
    public override void WriteTo(StringBuilder sb)
    {
        sb.Append('/');
        // The reader decodes name bytes one to one (Latin-1), so writing them back that way is lossless.
        var bytes = Value.All(c => c <= 0xFF) ? Encoding.Latin1.GetBytes(Value) : Encoding.UTF8.GetBytes(Value);
        foreach (var b in bytes)
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

    /// <summary>Text strings may be PDFDocEncoding or UTF-16BE with a BOM.</summary>
    public string Text()
    {
        if (Bytes.Length >= 2 && Bytes[0] == 0xFE && Bytes[1] == 0xFF)
            return Encoding.BigEndianUnicode.GetString(Bytes, 2, Bytes.Length - 2);
        return Encoding.Latin1.GetString(Bytes);
    }
}

public sealed record PdfReference(int Number, int Generation) : PdfObject
{
    public override void WriteTo(StringBuilder sb) => sb.Append(Number).Append(' ').Append(Generation).Append(" R");
}

public sealed record PdfArray(List<PdfObject> Items) : PdfObject
{
    public PdfArray(params PdfObject[] items) : this(items.ToList()) { }

    public override void WriteCanonical(StringBuilder sb)
    {
        sb.Append('[');
        foreach (var item in Items) { item.WriteCanonical(sb); sb.Append(' '); }
        sb.Append(']');
    }

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

    // Key -> position, built once a dictionary is large: a hostile file's dictionary of many keys must not make lookups quadratic.
    private Dictionary<string, int>? _index;

    public PdfObject? this[string key]
    {
        get
        {
            var i = IndexOf(key);
            return i >= 0 ? Entries[i].Value : null;
        }
        set
        {
            var i = IndexOf(key);
            if (value is null)
            {
                if (i >= 0) { Entries.RemoveAt(i); _index = null; }
                return;
            }
            if (i >= 0) Entries[i] = new(key, value);
            else
            {
                Entries.Add(new(key, value));
                _index?.Add(key, Entries.Count - 1);
            }
        }
    }

    private int IndexOf(string key)
    {
        if (Entries.Count <= 16)
        {
            for (var i = 0; i < Entries.Count; i++) if (Entries[i].Key == key) return i;
            return -1;
        }
        if (_index is null || _index.Count != Entries.Count)
        {
            _index = new Dictionary<string, int>(Entries.Count, StringComparer.Ordinal);
            for (var i = 0; i < Entries.Count; i++) _index.TryAdd(Entries[i].Key, i);
        }
        return _index.TryGetValue(key, out var at) ? at : -1;
    }

    public IEnumerable<string> Keys => Entries.Select(e => e.Key);
    public IEnumerable<PdfObject> Values => Entries.Select(e => e.Value);

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

    public override void WriteCanonical(StringBuilder sb) => WriteCanonicalExcept(sb, []);

    public void WriteCanonicalExcept(StringBuilder sb, IReadOnlyCollection<string> ignored)
    {
        sb.Append("<<");
        foreach (var e in Entries.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (ignored.Contains(e.Key)) continue;
            new PdfName(e.Key).WriteTo(sb);
            sb.Append(' ');
            e.Value.WriteCanonical(sb);
            sb.Append(' ');
        }
        sb.Append(">>");
    }

    public string CanonicalExcept(params string[] ignored)
    {
        var sb = new StringBuilder();
        WriteCanonicalExcept(sb, ignored);
        return sb.ToString();
    }
}

/// <summary>A stream whose data is kept raw (still encoded) as read from the file.</summary>
public sealed record PdfStream(PdfDictionary Dictionary, byte[] RawData) : PdfObject
{
    public override void WriteTo(StringBuilder sb) =>
        throw new InvalidOperationException("Streams are written as bytes, not text.");
    public override void WriteCanonical(StringBuilder sb) => Dictionary.WriteCanonical(sb);
}

/// <summary>Pre-formatted PDF text, used for fixed-width placeholders that are patched after layout.</summary>
public sealed record PdfRaw(string Text) : PdfObject
{
    public override void WriteTo(StringBuilder sb) => sb.Append(Text);
}

/// <summary>An indirect object as found in the file: its value plus, for streams, where the raw data lies.</summary>
public sealed record PdfIndirect(int Number, int Generation, PdfObject Value, long Offset, long End, long StreamStart = -1, long StreamLength = -1)
{
    public bool IsStream => StreamStart >= 0;
    public PdfDictionary? Dict => Value as PdfDictionary;
}

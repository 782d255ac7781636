using System.Globalization;

namespace Signing.Appearance;

/// <summary>Kind of copy printed above the signer's name on a visible signature.</summary>
public enum CopyKind
{
    None,
    SaoY,
    SaoLuc,
    TrichSao,
}

/// <summary>What a visible signature shows. Text only, by design: no image.</summary>
public sealed record SignatureAppearance
{
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);
    public const string DefaultFontPath = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";

    public static SignatureAppearance Invisible { get; } = new() { Visible = false };

    public bool Visible { get; init; } = true;
    public CopyKind CopyKind { get; init; } = CopyKind.None;
    public string? OrganizationName { get; init; }

    /// <summary>Replaces the generated lines (kind of copy, organization, time) when set.</summary>
    public IReadOnlyList<string>? Lines { get; init; }

    public TimeSpan TimeZoneOffset { get; init; } = VietnamOffset;
    public string FontPath { get; init; } = DefaultFontPath;
    public double FontSize { get; init; } = 10;

    public static string CopyKindText(CopyKind kind) => kind switch
    {
        CopyKind.SaoY => "SAO Y",
        CopyKind.SaoLuc => "SAO LỤC",
        CopyKind.TrichSao => "TRÍCH SAO",
        _ => "",
    };

    /// <summary>ISO 8601 with an explicit offset, never 'Z', e.g. 2026-11-22T08:15:30+07:00.</summary>
    public static string FormatTime(DateTimeOffset time, TimeSpan offset) =>
        time.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public IReadOnlyList<string> LinesFor(DateTimeOffset signingTime)
    {
        if (Lines is not null) return Lines;
        var lines = new List<string>();
        if (CopyKind != CopyKind.None) lines.Add(CopyKindText(CopyKind));
        if (!string.IsNullOrWhiteSpace(OrganizationName)) lines.Add(OrganizationName.Trim());
        lines.Add(FormatTime(signingTime, TimeZoneOffset));
        return lines;
    }
}

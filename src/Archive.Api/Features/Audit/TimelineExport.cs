using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Archive.Api.Features.Audit;

/// <summary>Writes a timeline as JSON Lines or CSV, one event at a time, flushing as it goes.</summary>
public static class TimelineExport
{
    public const string JsonLines = "application/jsonl", Csv = "text/csv";
    private static readonly JsonSerializerOptions Json = Infrastructure.Json.ArchiveJson.Web;
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();
    private static readonly string[] Columns =
        ["position", "recorded_at", "stream_id", "version", "type", "actor", "actor_name", "actor_role", "source_address", "reason", "correlation_id", "changes", "data"];

    /// <summary>The export format asked for by <c>format=</c> or, failing that, by <c>Accept</c>; null for a JSON page.</summary>
    public static string? FormatOf(string? format, HttpRequest request)
    {
        switch (format?.ToLowerInvariant())
        {
            case "jsonl" or "ndjson": return JsonLines;
            case "csv": return Csv;
            case "json": return null;
        }
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase)) return Csv;
        if (accept.Contains("application/jsonl", StringComparison.OrdinalIgnoreCase) ||
            accept.Contains("application/x-ndjson", StringComparison.OrdinalIgnoreCase)) return JsonLines;
        return null;
    }

    public static async Task WriteJsonLinesAsync(IAsyncEnumerable<TimelineEntry> entries, Stream body, CancellationToken ct)
    {
        var n = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            await JsonSerializer.SerializeAsync(body, e, Json, ct);
            await body.WriteAsync(NewLine, ct);
            if (++n % 256 == 0) await body.FlushAsync(ct);
        }
        await body.FlushAsync(ct);
    }

    public static async Task WriteCsvAsync(IAsyncEnumerable<TimelineEntry> entries, Stream body, CancellationToken ct)
    {
        // The BOM lets spreadsheet programs read the Vietnamese text as UTF-8.
        await using var w = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await w.WriteAsync(string.Join(',', Columns) + "\r\n");
        var n = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            string?[] cells =
            [
                e.Position.ToString(CultureInfo.InvariantCulture), e.RecordedAt.ToString("O", CultureInfo.InvariantCulture), e.StreamId,
                e.Version.ToString(CultureInfo.InvariantCulture), e.Type, e.Actor, e.ActorName, e.ActorRole, e.SourceAddress, e.Reason,
                e.CorrelationId, e.Changes?.GetRawText(), e.Data.GetRawText(),
            ];
            await w.WriteAsync(string.Join(',', cells.Select(Cell)) + "\r\n");
            if (++n % 256 == 0) await w.FlushAsync(ct);
        }
        await w.FlushAsync(ct);
    }

    /// <summary>RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never evaluates user text as a formula.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}

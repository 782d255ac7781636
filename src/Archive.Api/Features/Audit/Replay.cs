using System.Globalization;
using Archive.Api.Features.Documents;
using Archive.Api.Features.Dossiers;
using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.EventStore;
using Npgsql;

namespace Archive.Api.Features.Audit;

/// <summary>
/// A point in the log: a global position (every event at or below it) or a time (every event recorded at or
/// before it). Written <c>asOf=123456</c> or <c>asOf=2026-12-06T07:00:00Z</c>.
/// </summary>
public sealed record AsOf(long? Position, DateTimeOffset? Time)
{
    public static AsOf? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position)) return new AsOf(position, null);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? new AsOf(null, t) : null;
    }

    public bool Includes(long position, DateTimeOffset recordedAt) =>
        Position is { } p ? position <= p : recordedAt <= Time!.Value;
}

/// <summary>
/// Replay (tái hiện): a dossier or document folded from its events up to <see cref="AsOf"/> with the same
/// evolve functions and the same response shape as the live read, so the answer is what the system showed then.
/// </summary>
public sealed class Replay(RecordsRepository repo, NpgsqlDataSource db)
{
    public async Task<(DossierResponse? Dossier, long Version)> DossierAsync(string code, AsOf asOf, CancellationToken ct)
    {
        var (state, version) = Fold(await repo.Store.ReadStreamAsync(RecordsRepository.DossierStream(code), ct: ct), asOf,
            DossierState.Initial, DossierDecider.Evolve);
        return state.Status == DossierStatus.None ? (null, 0) : (DossiersApi.ToResponse(state, version), version);
    }

    public async Task<(DocumentResponse? Document, long Version)> DocumentAsync(string id, AsOf asOf, CancellationToken ct)
    {
        var (s, version) = Fold(await repo.Store.ReadStreamAsync(RecordsRepository.DocumentStream(id), ct: ct), asOf,
            DocumentState.Initial, DocumentDecider.Evolve);
        if (s.Status == DocumentStatus.None) return (null, 0);
        var response = new DocumentResponse(s.DocumentId, s.Status.ToString().ToLowerInvariant(), s.Metadata, await FilingsAsync(id, asOf, ct),
            s.Contents.Select(c => new ContentResponse(c.Version, c.Sha256, c.SizeBytes, c.MediaType, c.FileName, c.Warnings)).ToList(),
            s.AccessAlerts.Select(DossiersApi.Alert).ToList(), null, version);
        return (response, version);
    }

    private static (TState State, long Version) Fold<TState>(IReadOnlyList<RecordedEvent> events, AsOf asOf, TState initial,
        Func<TState, IDomainEvent, TState> evolve)
    {
        var state = initial;
        long version = 0;
        foreach (var e in events.Where(e => asOf.Includes(e.Position, e.RecordedAt)))
        {
            if (e.Data is IDomainEvent d) state = evolve(state, d);
            version = e.Version;
        }
        return (state, version);
    }

    /// <summary>The document's filings as they stood then (the live read lists them from the dossiers' filing events too).</summary>
    private async Task<IReadOnlyList<Filing>> FilingsAsync(string documentId, AsOf asOf, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select data->>'dossierCode', (data->>'order')::int, data->>'documentCode', position, recorded_at from {EventStoreSetup.Schema}.events
            where type = 'dossier.document.filed.v1' and data->>'documentId' = $1 order by position
            """);
        cmd.Parameters.AddWithValue(documentId);
        var list = new List<Filing>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (asOf.Includes(r.GetInt64(3), r.GetFieldValue<DateTimeOffset>(4)))
                list.Add(new Filing(r.GetString(0), r.GetInt32(1), r.GetString(2)));
        return list;
    }
}

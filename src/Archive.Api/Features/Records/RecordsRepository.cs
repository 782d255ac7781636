using System.Security.Claims;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Problems;
using Archive.Domain.Common;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Fonds;
using Archive.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Store = Archive.EventStore.EventStore;

namespace Archive.Api.Features.Records;

/// <summary>A filing of a document into a dossier (the document code is the dossier's, not the document's).</summary>
public sealed record Filing(string DossierCode, int Order, string DocumentCode);

/// <summary>
/// Loads fonds, dossier and document aggregates from their streams and appends decided events with
/// who/why metadata. Stream ids: <c>fonds-{organId}</c>, <c>dossier-{dossierCode}</c>, <c>document-{id}</c>.
/// Lists that have no read model yet (fonds list, transfer-due, open alerts, filings) read the store's
/// tables directly, read-only.
/// </summary>
public sealed class RecordsRepository(Store store, NpgsqlDataSource db)
{
    public const string ReasonHeader = "X-Reason";
    public Store Store => store;
    public NpgsqlDataSource Db => db;

    public static string FondsStream(string organId) => "fonds-" + organId;
    public static string DossierStream(string code) => "dossier-" + code;
    public static string DocumentStream(string id) => "document-" + id;

    /// <summary>
    /// A dossier's filing events: projections that fold a dossier for its own row (not for its list of documents) skip
    /// them when reading the dossier's history (<see cref="Store.ReadStreamsThroughBatchAsync"/>); a dossier may hold
    /// hundreds.
    /// </summary>
    public static readonly IReadOnlyList<string> FilingEventTypes =
        [EventTypes.NameOf(typeof(DocumentFiled)), EventTypes.NameOf(typeof(FiledDocumentRetentionUpdated))];

    public Task<(FondsState State, long Version)> LoadFondsAsync(string organId, CancellationToken ct) =>
        store.AggregateAsync(FondsStream(organId), FondsState.Initial, (s, e) => e.Data is IDomainEvent d ? FondsDecider.Evolve(s, d) : s, ct);

    public Task<(DossierState State, long Version)> LoadDossierAsync(string code, CancellationToken ct) =>
        store.AggregateAsync(DossierStream(code), DossierState.Initial, (s, e) => e.Data is IDomainEvent d ? DossierDecider.Evolve(s, d) : s, ct);

    public Task<(DocumentState State, long Version)> LoadDocumentAsync(string id, CancellationToken ct) =>
        store.AggregateAsync(DocumentStream(id), DocumentState.Initial, (s, e) => e.Data is IDomainEvent d ? DocumentDecider.Evolve(s, d) : s, ct);

    /// <summary>
    /// Folds many streams read in one round trip (lists without a read model); results follow <paramref name="streams"/>,
    /// a stream without events giving (<paramref name="initial"/>, 0).
    /// </summary>
    public async Task<IReadOnlyList<(TState State, long Version)>> LoadManyAsync<TState>(IReadOnlyList<string> streams, TState initial,
        Func<TState, IDomainEvent, TState> evolve, CancellationToken ct)
    {
        var read = await store.ReadStreamsAsync(streams, ct);
        return streams.Select(id => read.TryGetValue(id, out var events)
            ? (events.Select(e => e.Data).OfType<IDomainEvent>().Aggregate(initial, evolve), events[^1].Version)
            : (initial, 0L)).ToList();
    }

    /// <summary>
    /// Appends with who/why metadata. Under an <c>Idempotency-Key</c> the events join the request's transaction, which
    /// commits them together with the answer (<see cref="Infrastructure.Idempotency.IdempotencyClaim"/>).
    /// </summary>
    public async Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, IReadOnlyList<IDomainEvent> events, HttpContext http,
        string? reason, CancellationToken ct)
    {
        if (Infrastructure.Idempotency.IdempotencyClaim.Of(http) is null)
            return await store.AppendAsync(stream, expected, events.Cast<object>().ToList(), MetadataFor(http, reason), ct);
        return (await AppendTogetherAsync([(stream, expected, events)], http, reason, ct))[0];
    }

    /// <summary>Appends to several streams in one transaction: all commit or none (positions follow the list order).</summary>
    public Task<IReadOnlyList<AppendResult>> AppendTogetherAsync(
        IReadOnlyList<(string Stream, ExpectedVersion Expected, IReadOnlyList<IDomainEvent> Events)> appends, HttpContext http,
        string? reason, CancellationToken ct)
    {
        var metadata = MetadataFor(http, reason);
        return Infrastructure.Idempotency.IdempotencyClaim.WriteAsync<IReadOnlyList<AppendResult>>(http, db, async (conn, tx) =>
        {
            var results = new List<AppendResult>(appends.Count);
            foreach (var (stream, expected, events) in appends)
                results.Add(await store.AppendAsync(conn, tx, stream, expected, events.Cast<object>().ToList(), metadata, ct));
            return results;
        }, ct);
    }

    public static EventMetadata MetadataFor(HttpContext http, string? reason)
    {
        var headers = new Dictionary<string, string>();
        reason = string.IsNullOrWhiteSpace(reason) ? http.Request.Headers[ReasonHeader].ToString() : reason;
        if (!string.IsNullOrWhiteSpace(reason)) headers["reason"] = reason.Length > 1000 ? reason[..1000] : reason;
        if (http.User.FindFirstValue(ClaimTypes.Name) is { } name) headers["actorName"] = name;
        if (http.User.FindFirstValue(ClaimTypes.Role) is { } role) headers["actorRole"] = role;
        // The source address auditors see in the timeline (NĐ 30/2020 Phụ lục VI: who, when, from where).
        if (http.Connection.RemoteIpAddress is { } ip) headers["sourceAddress"] = (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
        return new EventMetadata
        {
            // An API key or a person signed in to the web application (their session carries the person id).
            Actor = http.User.FindFirstValue(ArchiveClaims.KeyId) ?? http.User.FindFirstValue(ArchiveClaims.PersonId),
            CorrelationId = http.TraceIdentifier,
            Headers = headers,
        };
    }

    public static DecisionContext Context(HttpContext http, TimeProvider clock)
    {
        var user = http.User;
        // Records officers and admins may confirm access-regime changes; the domain makes sure it is a second person.
        var permissions = user.IsInRole(Roles.RecordsOfficer) || user.IsInRole(Roles.Admin)
            ? new[] { Permissions.ConfirmAccessChange } : [];
        return new DecisionContext(new Actor(user.CallerId(), user.FindFirstValue(ClaimTypes.Name) ?? user.CallerId(), permissions), clock.GetUtcNow());
    }

    /// <summary>Stream ids of one type (the store records the first event's prefix: fonds, dossier, document).</summary>
    public async Task<IReadOnlyList<string>> StreamsOfTypeAsync(string type, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select id from {store.Options.Schema}.streams where type = $1 order by created, id");
        cmd.Parameters.AddWithValue(type);
        return await ReadStrings(cmd, ct);
    }

    /// <summary>Streams holding at least one event of the given type.</summary>
    public async Task<IReadOnlyList<string>> StreamsWithEventAsync(string eventType, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select distinct stream_id from {store.Options.Schema}.events where type = $1 order by stream_id");
        cmd.Parameters.AddWithValue(eventType);
        return await ReadStrings(cmd, ct);
    }

    /// <param name="http">A request holding an <c>Idempotency-Key</c> reads in its own transaction, so its answer names the filing it
    /// has just made (committed together with that answer).</param>
    public async Task<IReadOnlyList<Filing>> FilingsOfAsync(string documentId, CancellationToken ct, HttpContext? http = null) =>
        (await FilingsOfAsync([documentId], ct, http)).GetValueOrDefault(documentId, []);

    /// <summary>Filings of several documents in one query (index <c>events_filed_document</c>), each in filing order.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Filing>>> FilingsOfAsync(IReadOnlyCollection<string> documentIds, CancellationToken ct,
        HttpContext? http = null)
    {
        var result = new Dictionary<string, IReadOnlyList<Filing>>();
        if (documentIds.Count == 0) return result;
        var sql = $"""
            select data->>'documentId', data->>'dossierCode', (data->>'order')::int, data->>'documentCode' from {store.Options.Schema}.events
            where type = 'dossier.document.filed.v1' and data->>'documentId' = any($1) order by position
            """;
        await using var cmd = Infrastructure.Idempotency.IdempotencyClaim.Of(http) is { } claim
            ? new NpgsqlCommand(sql, claim.Connection, claim.Transaction) : db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(documentIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetString(0);
            if (!result.TryGetValue(id, out var list)) result[id] = list = new List<Filing>();
            ((List<Filing>)list).Add(new Filing(r.GetString(1), r.GetInt32(2), r.GetString(3)));
        }
        return result;
    }

    /// <summary>Total number of events: tests use it to prove nothing was stored on an error.</summary>
    public async Task<long> CountEventsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select count(*) from {store.Options.Schema}.events");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<IReadOnlyList<string>> ReadStrings(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }
}

/// <summary>Maps domain outcomes to HTTP problems.</summary>
public static class RecordsHttp
{
    public static ProblemHttpResult Problem(Rejection rejection) => rejection.Code switch
    {
        RejectionCodes.ValidationFailed => Validation(rejection.Errors),
        RejectionCodes.NotFound => ApiProblems.NotFound(new Text(rejection.ReasonVi, rejection.ReasonEn)),
        RejectionCodes.NotAuthorized => ApiProblems.Result(403, ApiProblems.TitleFor(403), new Text(rejection.ReasonVi, rejection.ReasonEn), rejection.Code),
        _ => ApiProblems.Conflict(new Text(rejection.ReasonVi, rejection.ReasonEn), rejection.Code),
    };

    public static ProblemHttpResult Validation(IEnumerable<Domain.Common.FieldError> errors) =>
        ApiProblems.Validation(errors.Select(e => new Infrastructure.Problems.FieldError(e.Field, e.Code, e.MessageVi, e.MessageEn)));

    public static Domain.Common.FieldError Required(string field) =>
        new(field, "required", $"Trường {field} là bắt buộc.", $"{field} is required.");

    public static ProblemHttpResult Conflict409Exists(Text detail) => ApiProblems.Conflict(detail, "already_exists");

    /// <summary>Regime 03 (Mật) is hidden from callers without clearance: they get 404, as if it did not exist.</summary>
    public static bool MayRead(ClaimsPrincipal user, string? accessMode) =>
        accessMode != AccessRegimes.Secret || user.IsClearedForSecret();
}

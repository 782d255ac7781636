using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Disposition;
using Archive.Api.Infrastructure.Shredding;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Archive.Api.Tests.Support;

/// <summary>A clock the test moves forward, so retention can expire without waiting years.</summary>
public sealed class MovableClock : TimeProvider
{
    private TimeSpan _offset;
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    /// <summary>Moves "now" to noon (Vietnam time) of the given day.</summary>
    public void SetToday(DateOnly day) =>
        _offset = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(7)) - base.GetUtcNow();
    public void Reset() => _offset = TimeSpan.Zero;
}

/// <summary>
/// Wraps the real crypto-shredder: records each call and what its transaction could see, and can be told to fail
/// before shredding so the test can prove the destruction and the shredding commit or roll back together.
/// </summary>
public sealed class RecordingShredder : IRecordShredder
{
    public sealed record Call(IReadOnlyList<string> StreamIds, long DestroyedEventsVisible);

    public List<Call> Calls { get; } = [];
    public bool Fail { get; set; }
    public IRecordShredder? Inner { get; set; }

    public async Task ShredAsync(IReadOnlyList<string> streamIds, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // Inside the destruction's transaction the residual events are already visible, though not yet committed.
        await using var cmd = new NpgsqlCommand(
            "select count(*) from event_store.events where stream_id = any($1) and type in ('dossier.destroyed.v1', 'document.destroyed.v1')",
            connection, transaction);
        cmd.Parameters.AddWithValue(streamIds.ToArray());
        Calls.Add(new(streamIds, (long)(await cmd.ExecuteScalarAsync(ct))!));
        if (Fail) throw new InvalidOperationException("shredding failed (test)");
        await Inner!.ShredAsync(streamIds, connection, transaction, ct);
    }
}

/// <summary>The API host with a <see cref="MovableClock"/> as its TimeProvider and a <see cref="RecordingShredder"/> around the real shredder.</summary>
public sealed class DispositionFixture : ApiFixture
{
    public MovableClock Clock { get; } = new();
    public RecordingShredder Shredder { get; } = new();

    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock).AddSingleton<IRecordShredder>(sp =>
        {
            Shredder.Inner = ActivatorUtilities.CreateInstance<RecordShredder>(sp);
            return Shredder;
        }));
}

/// <summary>Builders for the disposition tests, all through the HTTP API.</summary>
public static class DispositionRecords
{
    /// <summary>A dossier of 2025 with the given TT 05 retention code (06 = 10 years, 01 = permanent), with one document, closed.</summary>
    public static async Task<(string Code, string DocumentId)> ClosedDossierAsync(HttpClient client, string notation, string retention,
        string? paperFileCode = null, bool withDocument = true)
    {
        await Records.CreateFondsAsync(client);
        var json = Records.DossierJson(Records.Organ, 2025, notation, "Hồ sơ " + notation, retention: retention);
        if (paperFileCode is not null)
            json = json.Replace("\"confidenceLevel\":\"01\"", $"\"confidenceLevel\":\"02\",\"paperFileCode\":\"{paperFileCode}\",\"sheetCount\":12,\"physicalCondition\":\"01\"");
        var r = await client.PostAsync("/api/v1/dossiers", ApiFixture.Json(json));
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var code = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
        var documentId = "";
        if (withDocument) documentId = (await Records.CreateDocumentAsync(client, code)).GetProperty("id").GetString()!;
        await CloseAsync(client, code);
        return (code, documentId);
    }

    public static async Task CloseAsync(HttpClient client, string code)
    {
        var etag = (await client.GetAsync($"/api/v1/dossiers/{code}")).Headers.ETag!.Tag;
        var closed = await client.SendAsync(Records.Post($"/api/v1/dossiers/{code}/close", """{"reason":"Kết thúc công việc"}""", etag));
        closed.StatusCode.ShouldBe(HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());
    }

    /// <summary>Uploads bytes that look like a PNG; <paramref name="tag"/> makes them unique (or shared when reused).</summary>
    public static async Task<string> UploadAsync(HttpClient client, string documentId, string tag)
    {
        var bytes = PdfSamples.Png.Concat(System.Text.Encoding.UTF8.GetBytes(tag)).ToArray();
        var r = await client.PostAsync($"/api/v1/documents/{documentId}/content", ApiFixture.Bytes(bytes, "image/png"));
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString()!;
    }

    public static string Proposal(string id, params (string Kind, string Code)[] items) => JsonSerializer.Serialize(new
    {
        proposalId = id, organId = Records.Organ,
        items = items.Select(i => new { kind = i.Kind, code = i.Code, reason = "Hết thời hạn bảo quản, không còn giá trị" }),
    });

    /// <summary>Waits until the review projection has processed every event stored so far.</summary>
    public static async Task WaitForReviewAsync(this ApiFixture api)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand("select coalesce(max(position), 0) from event_store.events");
        var last = (long)(await cmd.ExecuteScalarAsync())!;
        await api.Service<Archive.EventStore.EventStore>().WaitForProjectionAsync(ReviewProjection.ProjectionName, last, TimeSpan.FromSeconds(30));
    }

    public static async Task<List<string>> ReviewIdsAsync(HttpClient client)
    {
        var r = await client.GetAsync("/api/v1/disposition/review");
        r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Tests.Support;
using Npgsql;

namespace Archive.Api.Tests;

public class idempotency_keys(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static HttpRequestMessage Post(string url, HttpContent content, string key)
    {
        var r = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        r.Headers.Add(IdempotencyExtensions.Header, key);
        return r;
    }

    private async Task<long> SavedSearchCount(string name)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("select count(*) from archive_api.saved_searches where name = $1");
        cmd.Parameters.AddWithValue(name);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_retried_post_replays_the_first_response_without_executing_again()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var body = """{"name":"retry-once","query":{"text":"quyết định"}}""";
        var first = await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json(body), "k-1"));
        var second = await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json(body), "k-1"));

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.Headers.Location.ShouldBe(first.Headers.Location);
        second.Headers.ETag.ShouldBe(first.Headers.ETag);
        (await second.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        second.Headers.GetValues(IdempotencyExtensions.ReplayedHeader).ShouldBe(["true"]);
        (await SavedSearchCount("retry-once")).ShouldBe(1);
    }

    [Fact]
    public async Task the_same_key_with_a_different_body_is_422()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"a"}"""), "k-2"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var problem = await (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"b"}"""), "k-2"))).ShouldBeProblemAsync(422);
        problem.GetProperty("code").GetString().ShouldBe("idempotency-key-reused");
        (await SavedSearchCount("b")).ShouldBe(0);
    }

    [Fact]
    public async Task keys_are_scoped_to_the_caller()
    {
        var one = await api.ClientAsync(Roles.Legal);
        var two = await api.ClientAsync(Roles.Legal);
        (await one.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"scoped"}"""), "shared"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await two.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"scoped"}"""), "shared"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SavedSearchCount("scoped")).ShouldBe(2);
    }

    [Fact]
    public async Task concurrent_duplicates_execute_once_and_all_get_the_answer()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var body = """{"name":"concurrent"}""";
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json(body), "k-concurrent"))));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        var ids = new List<string>();
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        ids.Distinct().Count().ShouldBe(1);
        (await SavedSearchCount("concurrent")).ShouldBe(1);
    }

    [Fact]
    public async Task a_failed_validation_is_replayed_too_but_a_new_key_runs_again()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        await (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":""}"""), "k-bad"))).ShouldBeProblemAsync(400);
        await (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":""}"""), "k-bad"))).ShouldBeProblemAsync(400);
        (await client.SendAsync(Post("/api/v1/saved-searches", ApiFixture.Json("""{"name":"fixed"}"""), "k-good"))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_upload_retry_is_replayed_and_the_store_sees_one_blob()
    {
        var admin = await api.ClientAsync(Roles.Admin);
        var pdf = PdfSamples.Scan(300, color: true, fill: 0x11);
        var first = await admin.SendAsync(Post("/api/v1/blobs", ApiFixture.Bytes(pdf), "upload-1"));
        var second = await admin.SendAsync(Post("/api/v1/blobs", ApiFixture.Bytes(pdf), "upload-1"));
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.Headers.Contains(IdempotencyExtensions.ReplayedHeader).ShouldBeTrue();
        (await second.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        var other = PdfSamples.Scan(300, color: true, fill: 0x12);
        await (await admin.SendAsync(Post("/api/v1/blobs", ApiFixture.Bytes(other), "upload-1"))).ShouldBeProblemAsync(422);
    }

    private async Task<long> FilingsAsync(string dossier)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("select count(*) from event_store.events where stream_id = $1 and type = 'dossier.document.filed.v1'");
        cmd.Parameters.AddWithValue("dossier-" + dossier);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task when_storing_the_answer_fails_the_events_are_not_kept_either_and_the_retry_runs_once()
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await Records.CreateDossierAsync(officer, "IDEM-01");
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        // The fault: the answer cannot be stored, after the request's events were written in the same transaction.
        await ExecAsync(db, """
            create or replace function archive_api.test_lose_answer() returns trigger language plpgsql as $$
            begin if new.key = 'k-lost' and new.state = 'done' then raise exception 'answer lost (test)'; end if; return new; end $$;
            create trigger test_lose_answer before insert or update on archive_api.idempotency for each row execute function archive_api.test_lose_answer();
            """);
        try
        {
            var failed = await officer.SendAsync(Post("/api/v1/documents", ApiFixture.Json(Records.DocumentJson(dossier)), "k-lost"));
            ((int)failed.StatusCode).ShouldBe(500);
        }
        finally { await ExecAsync(db, "drop trigger test_lose_answer on archive_api.idempotency"); }
        (await FilingsAsync(dossier)).ShouldBe(0);

        var retry = await officer.SendAsync(Post("/api/v1/documents", ApiFixture.Json(Records.DocumentJson(dossier)), "k-lost"));
        retry.StatusCode.ShouldBe(HttpStatusCode.Created, await retry.Content.ReadAsStringAsync());
        retry.Headers.Contains(IdempotencyExtensions.ReplayedHeader).ShouldBeFalse();
        var again = await officer.SendAsync(Post("/api/v1/documents", ApiFixture.Json(Records.DocumentJson(dossier)), "k-lost"));
        (await again.Content.ReadAsStringAsync()).ShouldBe(await retry.Content.ReadAsStringAsync());
        (await FilingsAsync(dossier)).ShouldBe(1);
    }

    [Fact]
    public async Task a_duplicate_waits_for_the_request_holding_its_key_and_runs_once_when_that_process_dies()
    {
        var key = await api.KeyAsync(Roles.RecordsOfficer);
        var officer = api.ClientWithKey(key.Key);
        var callerId = key.Info.Id;
        var dossier = await Records.CreateDossierAsync(officer, "IDEM-02");
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        // What a crashed instance of the first design left behind: a 'pending' claim with nothing committed.
        await ExecAsync(db, $"insert into archive_api.idempotency (caller, key, route) values ('{callerId}', 'k-crash', 'POST /api/v1/documents')");

        Task<HttpResponseMessage> duplicate;
        // A request still running holds the key (its connection's transaction); a duplicate waits for it.
        await using (var running = await db.OpenConnectionAsync())
        await using (var tx = await running.BeginTransactionAsync())
        {
            await using (var cmd = new NpgsqlCommand("select pg_advisory_xact_lock($1)", running, tx))
            {
                cmd.Parameters.AddWithValue(IdempotencyClaim.LockKey(callerId, "k-crash"));
                await cmd.ExecuteScalarAsync();
            }
            duplicate = officer.SendAsync(Post("/api/v1/documents", ApiFixture.Json(Records.DocumentJson(dossier)), "k-crash"));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await WaitingForAdvisoryLockAsync(db))
            {
                duplicate.IsCompleted.ShouldBeFalse("the duplicate must wait, not answer");
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the duplicate never queued for the key");
                await Task.Delay(20);
            }
            (await FilingsAsync(dossier)).ShouldBe(0);
            // The process dies: its connection closes without a commit.
        }
        var retry = await duplicate;
        retry.StatusCode.ShouldBe(HttpStatusCode.Created, await retry.Content.ReadAsStringAsync());
        var again = await officer.SendAsync(Post("/api/v1/documents", ApiFixture.Json(Records.DocumentJson(dossier)), "k-crash"));
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.Headers.Contains(IdempotencyExtensions.ReplayedHeader).ShouldBeTrue();
        (await FilingsAsync(dossier)).ShouldBe(1);
    }

    private static async Task<bool> WaitingForAdvisoryLockAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select exists (select 1 from pg_locks where locktype = 'advisory' and not granted)");
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>A host that lets a duplicate wait only half a second for the request holding its key.</summary>
public sealed class ShortIdempotencyWaitFixture : ApiFixture
{
    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("Archive:Idempotency:WaitSeconds", "0.5");
}

public class idempotency_wait_limit(ShortIdempotencyWaitFixture api) : IClassFixture<ShortIdempotencyWaitFixture>
{
    [Fact]
    public async Task a_duplicate_whose_first_request_outlasts_the_wait_gets_409_in_progress_with_retry_after_and_changes_nothing()
    {
        var key = await api.KeyAsync(Roles.RecordsOfficer);
        var officer = api.ClientWithKey(key.Key);
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var running = await db.OpenConnectionAsync();
        await using var tx = await running.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("select pg_advisory_xact_lock($1)", running, tx))
        {
            cmd.Parameters.AddWithValue(IdempotencyClaim.LockKey(key.Info.Id, "k-slow"));
            await cmd.ExecuteScalarAsync();
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/saved-searches") { Content = ApiFixture.Json("""{"name":"slow"}""") };
        request.Headers.Add(IdempotencyExtensions.Header, "k-slow");
        var busy = await officer.SendAsync(request);

        (await busy.ShouldBeProblemAsync(409)).GetProperty("code").GetString().ShouldBe("idempotency-in-progress");
        busy.Headers.RetryAfter.ShouldNotBeNull();
        await using var count = db.CreateCommand("select count(*) from archive_api.saved_searches where name = 'slow'");
        (await count.ExecuteScalarAsync()).ShouldBe(0L);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Audit;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Jobs;
using Archive.Api.Tests.Support;
using static Archive.Api.Tests.Audit.AuditTestData;

namespace Archive.Api.Tests.Audit;

/// <summary>The seal job in the host, with the organization's signer from DI, and the auditor's seal check.</summary>
public class audit_seals(AuditFixture api) : IClassFixture<AuditFixture>
{
    private async Task SealEverythingAsync()
    {
        // Sealing stops at the safe high-water mark; wait until every event so far is below it.
        var store = api.Service<Archive.EventStore.EventStore>();
        var last = await api.LastPositionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await store.GetSafeHighWaterMarkAsync() < last)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("events never became safe to seal");
            await Task.Delay(20);
        }
        var job = api.Service<SealJob>();
        (await job.RunAsync(new JobRunContext(job.Name, 1, "test"), CancellationToken.None))!.ShouldContain("seal(s) over");
    }

    private async Task<long> PositionOfAsync(string stream)
    {
        await using var cmd = api.Service<Npgsql.NpgsqlDataSource>().CreateCommand("select position from event_store.events where stream_id = $1 and version = 1");
        cmd.Parameters.AddWithValue(stream);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static IEnumerable<(string Kind, string? Stream, long? Version)> Findings(JsonElement report) =>
        report.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("kind").GetString()!, f.GetProperty("streamId").GetString(),
            f.GetProperty("version").ValueKind == JsonValueKind.Null ? (long?)null : f.GetProperty("version").GetInt64()));

    [Fact]
    public async Task with_a_signer_registered_the_seal_job_is_scheduled()
    {
        var runner = api.Service<JobRunner>();
        await runner.RegisterAsync();
        runner.Scheduled.ShouldContain(SealJob.JobName);
        runner.Scheduled.ShouldContain(FixityJob.JobName);
        runner.Disabled.ShouldBeEmpty();
        var jobs = await (await api.ClientAsync(Roles.Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/audit/jobs");
        jobs.EnumerateArray().Select(j => j.GetProperty("name").GetString()).ShouldContain(SealJob.JobName);
    }

    [Fact]
    public async Task sealed_events_verify_and_an_altered_removed_or_reordered_one_is_named()
    {
        var first = await DossierWithDocumentAsync(api, "SL-01");
        var second = await DossierWithDocumentAsync(api, "SL-02");
        await SealEverythingAsync();
        var auditor = await api.ClientAsync(Roles.Auditor);

        var seals = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/seals");
        seals.GetArrayLength().ShouldBeGreaterThanOrEqualTo(1);
        var lastSeal = seals.EnumerateArray().Last();
        lastSeal.GetProperty("toPosition").GetInt64().ShouldBe(await api.LastPositionAsync());
        lastSeal.GetProperty("root").GetString()!.Length.ShouldBe(64);
        var intact = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/seals/verification");
        intact.GetProperty("intact").GetBoolean().ShouldBeTrue(intact.ToString());
        intact.GetProperty("unsealedEventCount").GetInt64().ShouldBe(0);

        // Edit one sealed event and delete another, as a database administrator could.
        (await api.SqlAsync("update event_store.events set data = jsonb_set(data, '{subject}', '\"Trích yếu bị sửa\"') where stream_id = $1 and version = 1",
            "document-" + first.DocumentId)).ShouldBe(1);
        (await api.SqlAsync("delete from event_store.events where stream_id = $1 and version = 2", "dossier-" + first.Dossier)).ShouldBe(1);
        // Swap two events' positions (three steps: the primary key is checked row by row).
        var p1 = await PositionOfAsync("dossier-" + second.Dossier);
        var p2 = await PositionOfAsync("document-" + second.DocumentId);
        (await api.SqlAsync("update event_store.events set position = -1 where position = $1", p1)).ShouldBe(1);
        (await api.SqlAsync("update event_store.events set position = $1 where position = $2", p1, p2)).ShouldBe(1);
        (await api.SqlAsync("update event_store.events set position = $1 where position = -1", p2)).ShouldBe(1);

        var broken = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/seals/verification");
        broken.GetProperty("intact").GetBoolean().ShouldBeFalse();
        var findings = Findings(broken).ToList();
        findings.ShouldContain(("ALTERED", "document-" + first.DocumentId, 1L));
        findings.ShouldContain(("REMOVED", "dossier-" + first.Dossier, 2L));
        findings.ShouldContain(("REORDERED", "dossier-" + second.Dossier, 1L));
        findings.ShouldContain(("REORDERED", "document-" + second.DocumentId, 1L));
        findings.Count.ShouldBe(4, string.Join("; ", findings));
    }
}

/// <summary>The host without any seal signer (the default host registers the organization's signing identity).</summary>
public class audit_seals_without_a_signer(NoSealSignerFixture api) : IClassFixture<NoSealSignerFixture>
{
    [Fact]
    public async Task without_a_seal_signer_the_seal_job_is_not_scheduled_and_says_why()
    {
        var runner = api.Service<JobRunner>();
        await runner.RegisterAsync();
        runner.Scheduled.ShouldNotContain(SealJob.JobName);
        runner.Disabled[SealJob.JobName].ShouldContain("no ISealSigner is registered");
        (await runner.GetAsync(SealJob.JobName)).ShouldBeNull();

        var auditor = await api.ClientAsync(Roles.Auditor);
        var problem = await (await auditor.GetAsync("/api/v1/audit/seals/verification")).ShouldBeProblemAsync(409);
        problem.GetProperty("code").GetString().ShouldBe("seal-signer-missing");
        (await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/seals")).GetArrayLength().ShouldBe(0);
    }
}

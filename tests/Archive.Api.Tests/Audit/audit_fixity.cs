using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Features.Audit;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Tests.Support;
using Npgsql;
using static Archive.Api.Tests.Audit.AuditTestData;

namespace Archive.Api.Tests.Audit;

/// <summary>Fixity on demand and on schedule: blobs re-hashed, hash chains re-verified, failures named and alerted.</summary>
public class audit_fixity(AuditFixture api) : IClassFixture<AuditFixture>
{
    [Fact]
    public async Task a_replaced_blob_and_an_edited_event_row_are_each_detected_and_named()
    {
        var filed = await DossierWithDocumentAsync(api, "FX-01", withContent: true, fill: 0x11);
        var auditor = await api.ClientAsync(Roles.Auditor);
        var clean = await (await auditor.PostAsync("/api/v1/audit/fixity-checks", null)).Content.ReadFromJsonAsync<JsonElement>();
        clean.GetProperty("intact").GetBoolean().ShouldBeTrue(clean.ToString());
        clean.GetProperty("blobsChecked").GetInt32().ShouldBeGreaterThanOrEqualTo(1);

        // A blob swapped on disk, and a dossier event edited by SQL without fixing its hash.
        var path = ((FileSystemContentStore)api.Service<IContentStore>()).PathFor(filed.Sha256!);
        File.SetAttributes(path, FileAttributes.Normal);
        await File.WriteAllBytesAsync(path, PdfSamples.Scan(300, true, fill: 0x12));
        (await api.SqlAsync("update event_store.events set data = jsonb_set(data, '{metadata,title}', '\"Hồ sơ bị sửa\"') where stream_id = $1 and version = 1",
            "dossier-" + filed.Dossier)).ShouldBe(1);

        var response = await auditor.PostAsync("/api/v1/audit/fixity-checks", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("intact").GetBoolean().ShouldBeFalse();
        var failures = report.GetProperty("failures").EnumerateArray()
            .Select(f => (Kind: f.GetProperty("objectKind").GetString(), Id: f.GetProperty("objectId").GetString(),
                Version: f.GetProperty("version").ValueKind == JsonValueKind.Null ? (long?)null : f.GetProperty("version").GetInt64(),
                Problem: f.GetProperty("problem").GetString()))
            .ToList();
        failures.ShouldContain(("blob", filed.Sha256, null, "mismatch"));
        failures.ShouldContain(("stream", "dossier-" + filed.Dossier, 1L, "chain-broken"));
        failures.Count.ShouldBe(2, string.Join("; ", failures));

        // The failures are events in the run's stream, and auditors see them as alerts.
        var run = report.GetProperty("stream").GetString()!;
        var types = (await api.Service<Archive.EventStore.EventStore>().ReadStreamAsync(run)).Select(e => e.TypeName).ToList();
        types.ShouldBe(["fixity.failed.v1", "fixity.failed.v1", "fixity.checked.v1"]);
        var alerts = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/alerts");
        var named = alerts.EnumerateArray().Where(a => a.GetProperty("runStream").GetString() == run)
            .Select(a => a.GetProperty("objectId").GetString()).ToList();
        named.ShouldBe(["dossier-" + filed.Dossier, filed.Sha256], ignoreOrder: true);
    }

    [Fact]
    public async Task the_scheduled_job_checks_a_bounded_slice_per_run_and_covers_every_object_within_the_period()
    {
        for (var i = 0; i < 3; i++) await DossierWithDocumentAsync(api, $"FX-S{i}", withContent: true, fill: (byte)(0x40 + i));
        var checker = api.Service<FixityChecker>();
        var existing = await checker.CountObjectsAsync(CancellationToken.None);
        var since = await api.DatabaseNowAsync();

        // Period 10 h, a run every hour: ten runs are one period.
        var slice = FixityChecker.SliceSize(existing, TimeSpan.FromHours(1), TimeSpan.FromHours(10));
        slice.ShouldBeLessThan((int)existing, "a run is a slice, not everything");
        var job = api.Service<FixityJob>();
        job.Interval.ShouldBe(TimeSpan.FromHours(1));
        (await job.RunAsync(new Archive.Api.Infrastructure.Jobs.JobRunContext(job.Name, 1, "test"), CancellationToken.None))
            .ShouldStartWith("run ");
        for (var run = 1; run < 10; run++)
        {
            var bound = FixityChecker.SliceSize(await checker.CountObjectsAsync(CancellationToken.None), TimeSpan.FromHours(1), TimeSpan.FromHours(10));
            var report = await checker.RunScheduledSliceAsync(CancellationToken.None);
            (report.BlobsChecked + report.StreamsChecked).ShouldBe(bound);
        }

        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand("""
            with objects as (
                select 'blob' as kind, sha256 as id from archive_api.content_refs group by sha256
                union all select 'stream', id from event_store.streams where id not like 'fixity-%')
            select count(*) from objects o
             where not exists (select 1 from archive_api.fixity_state f
                                where f.object_kind = o.kind and f.object_id = o.id and f.last_checked_at >= $1)
            """);
        cmd.Parameters.AddWithValue(since);
        ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(0, "every blob and stream was checked within one period");
    }

    [Fact]
    public void slices_grow_with_the_archive_so_a_period_is_enough()
    {
        FixityChecker.SliceSize(0, TimeSpan.FromHours(1), TimeSpan.FromDays(365)).ShouldBe(0);
        FixityChecker.SliceSize(10, TimeSpan.FromHours(1), TimeSpan.FromDays(365)).ShouldBe(2);
        // 1,000,000 objects over 8,760 hourly runs: twice the even share, plus the run's own stream.
        FixityChecker.SliceSize(1_000_000, TimeSpan.FromHours(1), TimeSpan.FromDays(365)).ShouldBe(230);
    }

    [Fact]
    public async Task a_fixity_period_longer_than_three_years_stops_the_host_from_starting()
    {
        var folder = Path.Combine(Path.GetTempPath(), "archive-api-" + Guid.NewGuid().ToString("N"));
        var e = await Should.ThrowAsync<Exception>(async () =>
        {
            await using var host = await Alba.AlbaHost.For<Program>(b => b
                .UseSetting("ConnectionStrings:Archive", api.ConnectionString)
                .UseSetting("Archive:DataFolder", folder)
                .UseSetting("Archive:Jobs:Enabled", "false")
                .UseSetting("Archive:Audit:Fixity:Period", "1100.00:00:00"));
        });
        e.ToString().ShouldContain("Archive:Audit:Fixity:Period must be more than 0 and at most 3 years");
    }
}

using System.Diagnostics;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Domain.Documents;
using Npgsql;
using static Archive.Api.Tests.Support.Records;

namespace Archive.Api.Tests.Digitization;

/// <summary>The test's own host runs no workers: the jobs are done by separate worker processes that the test starts and kills.</summary>
public sealed class WorkerProcessFixture : DigitizationFixture
{
    protected override bool WorkersEnabled => false;

    /// <summary>Starts the API host (Archive.Api.dll next to the tests) as a worker process over this fixture's database and content.</summary>
    public Process StartWorker() => Archive.Testing.ApiHostProcess.Start(new Dictionary<string, string>
    {
        ["ConnectionStrings__Archive"] = ConnectionString, ["Archive__DataFolder"] = DataFolder, ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["Archive__Signing__PrepareAtStartup"] = "false", ["Archive__Content__MaxBytes"] = (16 * 1024 * 1024).ToString(),
        ["Archive__Digitization__WorkersEnabled"] = "true", ["Archive__Digitization__Workers"] = "1",
        ["Archive__Digitization__LeaseSeconds"] = "4", ["Archive__Digitization__PollSeconds"] = "0.2", ["Archive__Digitization__StaleNodeSeconds"] = "4",
    });
}

public class worker_failover(WorkerProcessFixture api) : IClassFixture<WorkerProcessFixture>
{
    [Fact]
    public async Task a_worker_killed_mid_item_loses_nothing_and_another_worker_finishes_it_without_duplicate_events()
    {
        var client = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await CreateDossierAsync(client, "15-SH");
        var (id, job) = await DigitizationFixture.UploadScanAsync(client, dossier, DigitizationFixture.Scan());
        var db = api.Service<NpgsqlDataSource>();

        using var first = api.StartWorker();
        try
        {
            // Killed as soon as it holds the job (its lease names its process id): OCR takes seconds, so it dies mid-item.
            var until = DateTime.UtcNow.AddMinutes(2);
            while ((await LeaseOwnerAsync(db, job))?.Contains($"/{first.Id}/") != true)
            {
                first.HasExited.ShouldBeFalse("the first worker stopped by itself");
                if (DateTime.UtcNow > until) throw new TimeoutException("the first worker never took the job");
                await Task.Delay(50);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        finally { if (!first.HasExited) first.Kill(entireProcessTree: true); }
        var stream = RecordsRepository.DocumentStream(id);
        (await api.Service<RecordsRepository>().Store.ReadStreamAsync(stream)).Select(e => e.Data).OfType<DigitizationSigned>().ShouldBeEmpty();

        using var second = api.StartWorker();
        try
        {
            try { (await DigitizationFixture.WaitForJobAsync(db, job, TimeSpan.FromMinutes(3))).ShouldBe("done"); }
            catch (TimeoutException) { throw new TimeoutException(await WolverineStateAsync(db)); }
        }
        finally { second.Kill(entireProcessTree: true); await second.WaitForExitAsync(); }

        var events = (await api.Service<RecordsRepository>().Store.ReadStreamAsync(stream)).Select(e => e.Data).ToList();
        events.OfType<DocumentDigitized>().Count().ShouldBe(1);
        events.OfType<DocumentSigned>().Count().ShouldBe(1);
        events.OfType<DigitizationSigned>().Count().ShouldBe(1);
        events.OfType<ContentVersionAdded>().Select(e => e.Version).ShouldBe([1, 2, 3]);
        await using var cmd = db.CreateCommand("select attempts, lease_owner from archive_api.digitization_queue where job_id = $1");
        cmd.Parameters.AddWithValue(job);
        await using var r = await cmd.ExecuteReaderAsync();
        r.Read().ShouldBeTrue();
        r.GetInt32(0).ShouldBe(2); // taken by the killed worker, then by the second
    }

    private static async Task<string> WolverineStateAsync(NpgsqlDataSource db)
    {
        var text = new System.Text.StringBuilder();
        foreach (var sql in new[] { "select * from wolverine.wolverine_nodes", "select * from wolverine.wolverine_node_assignments",
            "select id::text, owner_id, status, received_at, attempts from wolverine.wolverine_incoming_envelopes",
            "select id::text, owner_id, destination from wolverine.wolverine_outgoing_envelopes",
            "select count(*) from wolverine.wolverine_queue_digitization", "select count(*) from wolverine.wolverine_queue_digitization_scheduled" })
        {
            text.AppendLine(sql);
            try
            {
                await using var cmd = db.CreateCommand(sql);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) text.AppendLine(string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : r.GetValue(i).ToString())));
            }
            catch (Exception e) { text.AppendLine(e.Message); }
        }
        return text.ToString();
    }

    private static async Task<string?> LeaseOwnerAsync(NpgsqlDataSource db, string job)
    {
        await using var cmd = db.CreateCommand("select lease_owner from archive_api.digitization_queue where job_id = $1 and status = 'running'");
        cmd.Parameters.AddWithValue(job);
        return await cmd.ExecuteScalarAsync() as string;
    }
}

using Archive.Api.Features.Digitization;
using Npgsql;
using Wolverine.Runtime;

namespace Archive.Api.Tests.Digitization;

/// <summary>The worker's message is written in the caller's transaction (Wolverine's outbox), so it commits or rolls back with the upload.</summary>
public class digitization_outbox(WorkerProcessFixture api) : IClassFixture<WorkerProcessFixture>
{
    [Fact]
    public async Task the_message_is_in_the_outbox_only_inside_the_transaction_and_a_rollback_leaves_nothing_to_deliver()
    {
        var db = api.Service<NpgsqlDataSource>();
        var jobId = Guid.NewGuid().ToString("N");
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await DigitizationMessaging.SendInTransactionAsync(api.Service<IWolverineRuntime>(), tx, jobId);
            (await CountAsync(conn, tx, jobId)).ShouldBe(1);   // written in this transaction
            (await CountAsync(db, jobId)).ShouldBe(0);         // invisible to everyone else until commit
            await tx.RollbackAsync();
        }
        (await CountAsync(db, jobId)).ShouldBe(0);
        await using var queued = db.CreateCommand("select count(*) from wolverine.wolverine_queue_digitization");
        ((long)(await queued.ExecuteScalarAsync())!).ShouldBe(0);
    }

    private const string Outgoing = "select count(*) from wolverine.wolverine_outgoing_envelopes where position(convert_to($1, 'UTF8') in body) > 0";

    private static async Task<long> CountAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId)
    {
        await using var cmd = new NpgsqlCommand(Outgoing, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string jobId)
    {
        await using var cmd = db.CreateCommand(Outgoing);
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

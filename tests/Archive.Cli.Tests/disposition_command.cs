using Archive.Domain.Common;
using Archive.Domain.Dossiers;
using Archive.EventStore;

namespace Archive.Cli.Tests;

/// <summary><c>archive disposition propose</c> against a real database, through the domain's disposition decider.</summary>
public class disposition_command(AuditDatabase db) : IClassFixture<AuditDatabase>
{
    private const string Organ = "000.00.00.H29";

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A store in its own schema with the domain's events registered.</summary>
    private async Task<(EventStore.EventStore Store, string Schema)> StoreAsync(byte[]? masterKey = null)
    {
        var schema = $"dispo_{Guid.NewGuid():N}"[..18];
        // With a key, as the API stores them: descriptive metadata encrypted under per-record keys.
        var store = new EventStore.EventStore(db.DataSource, Archive.Cli.Disposition.DispositionCommand.StoreOptions(schema, masterKey));
        await store.MigrateAsync();
        return (store, schema);
    }

    /// <summary>A dossier of 2010, closed that year, through the domain deciders.</summary>
    private static async Task<string> ClosedDossierAsync(EventStore.EventStore store, string notation, string retentionCode)
    {
        var context = new DecisionContext(new Actor("test", "test"), DateTimeOffset.UtcNow);
        var metadata = new DossierMetadata
        {
            Title = "Hồ sơ " + notation, RetentionCode = retentionCode, AccessMode = "01", Languages = ["01"], Creator = "Văn phòng",
            ConfidenceLevel = "01", StartDate = new(2010, 1, 5), EndDate = new(2010, 12, 20),
        };
        var opened = DossierDecider.Decide(new OpenDossier(Organ, 2010, notation, metadata), DossierState.Initial, context);
        opened.IsAccepted.ShouldBeTrue(opened.Rejection?.ReasonEn);
        var closed = DossierDecider.Decide(new CloseDossier(), DossierDecider.Fold(opened.Events), context);
        closed.IsAccepted.ShouldBeTrue(closed.Rejection?.ReasonEn);
        var code = ((DossierOpened)opened.Events[0]).DossierCode;
        await store.AppendAsync("dossier-" + code, ExpectedVersion.NoStream, [.. opened.Events, .. closed.Events]);
        return code;
    }

    private async Task<long> CountAsync(string schema, string type)
    {
        await using var cmd = db.DataSource.CreateCommand($"select count(*) from {schema}.events where type = $1");
        cmd.Parameters.AddWithValue(type);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_permanent_dossier_is_refused_with_a_bilingual_reason_and_the_attempt_is_recorded()
    {
        var (store, schema) = await StoreAsync();
        var expired = await ClosedDossierAsync(store, "CLI-10", "06");
        var permanent = await ClosedDossierAsync(store, "CLI-VV", "01");

        var (code, output, error) = await RunAsync("disposition", "propose", "--connection", db.ConnectionString, "--schema", schema,
            "--proposal-id", "cli-1", "--organ", Organ, "--dossier", expired, "--dossier", permanent, "--reason", "Hết giá trị", "--actor", "nguyenvana");

        code.ShouldBe(1, output + error);
        error.ShouldContain("destruction_blocked");
        error.ShouldContain($"{permanent} có thời hạn bảo quản vĩnh viễn");
        error.ShouldContain("can never be destroyed");
        (await CountAsync(schema, "destruction.proposed.v1")).ShouldBe(0);
        var blocked = await store.ReadStreamAsync("disposition-cli-1");
        var attempt = blocked.ShouldHaveSingleItem();
        attempt.TypeName.ShouldBe("destruction.blocked.v1");
        ((Archive.Domain.Disposition.DestructionBlocked)attempt.Data!).RecordCode.ShouldBe(permanent);
        attempt.Metadata.Actor.ShouldBe("cli:nguyenvana");
    }

    [Fact]
    public async Task an_archive_with_encrypted_metadata_is_read_only_with_its_master_key()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var (store, schema) = await StoreAsync(key);
        var permanent = await ClosedDossierAsync(store, "CLI-ENC", "01");
        string[] Args(params string[] more) => ["disposition", "propose", "--connection", db.ConnectionString, "--schema", schema,
            "--proposal-id", "cli-enc", "--organ", Organ, "--dossier", permanent, "--reason", "Hết giá trị", .. more];

        var (withoutKey, _, error) = await RunAsync(Args());
        withoutKey.ShouldBe(2);
        error.ShouldContain("--master-key-file");
        (await CountAsync(schema, "destruction.blocked.v1")).ShouldBe(0);

        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(key));
        try
        {
            var (withKey, output, refused) = await RunAsync(Args("--master-key-file", keyFile));
            withKey.ShouldBe(1, output + refused);
            refused.ShouldContain($"{permanent} có thời hạn bảo quản vĩnh viễn");
            (await CountAsync(schema, "destruction.blocked.v1")).ShouldBe(1);
        }
        finally { File.Delete(keyFile); }
    }

    [Fact]
    public async Task an_expired_dossier_is_proposed_and_an_unknown_one_is_refused()
    {
        var (store, schema) = await StoreAsync();
        var expired = await ClosedDossierAsync(store, "CLI-10", "06");

        var (code, output, error) = await RunAsync("disposition", "propose", "--connection", db.ConnectionString, "--schema", schema,
            "--proposal-id", "cli-2", "--organ", Organ, "--dossier", expired, "--reason", "Hết thời hạn bảo quản");
        code.ShouldBe(0, output + error);
        output.ShouldContain(expired);
        (await store.ReadStreamAsync("disposition-cli-2")).Single().TypeName.ShouldBe("destruction.proposed.v1");

        (code, _, error) = await RunAsync("disposition", "propose", "--connection", db.ConnectionString, "--schema", schema,
            "--organ", Organ, "--dossier", "000.00.00.H29.2010.NOPE", "--reason", "x");
        code.ShouldBe(1);
        error.ShouldContain("not_found");
        (await CountAsync(schema, "destruction.proposed.v1")).ShouldBe(1);
    }

    [Fact]
    public async Task no_record_to_propose_is_a_usage_error()
    {
        var (code, _, error) = await RunAsync("disposition", "propose", "--connection", db.ConnectionString, "--organ", Organ, "--reason", "x");
        code.ShouldBe(2);
        error.ShouldContain("--dossier");
    }
}

using System.CommandLine;
using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.EventStore;
using Npgsql;

namespace Archive.Cli.Disposition;

/// <summary>
/// <c>archive disposition propose</c>: puts records on a destruction list (danh mục tài liệu hết giá trị đề nghị hủy)
/// from the command line, through the same <see cref="DispositionDecider"/> and the same facts as the API. A list that
/// holds a permanent record, the paper original of a digitised permanent record, or a held record is refused whole,
/// with the reason in Vietnamese and English, and each blocked record is stored as <c>destruction.blocked.v1</c>
/// (listed for auditors at <c>GET /api/v1/disposition/blocked</c>). Exit 0 proposed, 1 refused, 2 usage.
/// </summary>
public static class DispositionCommand
{
    public const int Proposed = 0, Refused = 1, UsageError = 2;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new Option<string>("--connection") { Description = "Npgsql connection string of the archive database", Required = true };
        var schema = new Option<string>("--schema") { Description = "Event store schema", DefaultValueFactory = _ => "event_store" };
        var proposalId = new Option<string?>("--proposal-id") { Description = "Id of the destruction list (default: a new id)" };
        var organ = new Option<string>("--organ") { Description = "Organisation id of the fonds (e.g. 000.00.00.H29)", Required = true };
        var dossiers = new Option<string[]>("--dossier") { Description = "Dossier code; repeatable", AllowMultipleArgumentsPerToken = true };
        var documents = new Option<string[]>("--document") { Description = "Document id; repeatable", AllowMultipleArgumentsPerToken = true };
        var papers = new Option<string[]>("--paper-original")
        {
            Description = "Paper file code of a digitised dossier's original; repeatable", AllowMultipleArgumentsPerToken = true,
        };
        var reason = new Option<string>("--reason") { Description = "Why these records have no further value", Required = true };
        var masterKey = new Option<FileInfo?>("--master-key-file")
        {
            Description = "The archive's master key file (master.key in its data folder); needed to read records whose metadata is encrypted",
        };
        var actor = new Option<string>("--actor") { Description = "Who proposes (recorded in the events)", DefaultValueFactory = _ => Environment.UserName };

        var propose = new Command("propose", "Propose records for destruction; exit 0 proposed, 1 refused (blocked or invalid), 2 usage")
        {
            connection, schema, proposalId, organ, dossiers, documents, papers, reason, actor, masterKey,
        };
        propose.SetAction(async (pr, ct) =>
        {
            var items = (pr.GetValue(dossiers) ?? []).Select(c => (RecordKind.Dossier, c))
                .Concat((pr.GetValue(documents) ?? []).Select(c => (RecordKind.Document, c)))
                .Concat((pr.GetValue(papers) ?? []).Select(c => (RecordKind.PaperOriginal, c))).ToList();
            if (items.Count == 0)
            {
                await error.WriteLineAsync("archive disposition propose: give at least one --dossier, --document or --paper-original");
                return UsageError;
            }
            return await ProposeAsync(pr.GetValue(connection)!, pr.GetValue(schema)!, pr.GetValue(proposalId) ?? Guid.NewGuid().ToString("N"),
                pr.GetValue(organ)!, items, pr.GetValue(reason)!, pr.GetValue(actor)!, pr.GetValue(masterKey), output, error, ct);
        });
        return new Command("disposition", "Retention and disposition (hủy tài liệu hết giá trị)") { propose };
    }

    /// <summary>
    /// The store as the API configures it: every domain event under its wire name and, given the master key, the
    /// records' descriptive events encrypted per stream.
    /// </summary>
    internal static EventStoreOptions StoreOptions(string schema, byte[]? masterKey = null)
    {
        var options = new EventStoreOptions { Schema = schema };
        foreach (var (name, type) in EventTypes.ByName) options.Events.Register(type, name);
        if (masterKey is null) return options;
        options.Encryption = new Archive.EventStore.Encryption.StreamEncryptionOptions(masterKey);
        foreach (var (type, clear) in DescriptiveEvents.All) options.Encryption.Protect(EventTypes.NameOf(type), clear);
        return options;
    }

    private static async Task<int> ProposeAsync(string connectionString, string schema, string proposalId, string organId,
        IReadOnlyList<(RecordKind Kind, string Code)> items, string reason, string actorName, FileInfo? masterKeyFile, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        EventStoreOptions options;
        try { options = StoreOptions(schema); }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"archive disposition propose: {e.Message}");
            return UsageError;
        }
        await using var db = NpgsqlDataSource.Create(connectionString);
        // The API stores records' descriptive metadata encrypted; without the master key the facts (dates, holds)
        // could not be read, and a decision on unreadable facts must not be made.
        if (masterKeyFile is not null)
        {
            if (MasterKeyFile.TryRead(masterKeyFile, out var key, out var problem) is false)
            {
                await error.WriteLineAsync($"archive disposition propose: {problem}");
                return UsageError;
            }
            options = StoreOptions(schema, key);
        }
        else if (await HasEncryptedStreamsAsync(db, options.Schema, ct))
        {
            await error.WriteLineAsync("archive disposition propose: this archive keeps record metadata encrypted; give --master-key-file " +
                "(master.key in the archive's data folder) / kho lưu trữ mã hóa siêu dữ liệu: cần --master-key-file");
            return UsageError;
        }
        var records = new RecordFacts(new EventStore.EventStore(db, options), db);
        var context = new DecisionContext(new Actor("cli:" + actorName, actorName), DateTimeOffset.UtcNow);
        var metadata = new EventMetadata
        {
            Actor = context.Actor.UserId,
            Headers = new Dictionary<string, string> { ["actorName"] = actorName, ["actorRole"] = "cli", ["source"] = "cli", ["reason"] = reason },
        };

        var (facts, missing) = await records.FactsAsync(items, ct);
        var stream = "disposition-" + proposalId;
        var (state, version) = await records.Store.AggregateAsync(stream, DispositionState.Initial,
            (s, e) => e.Data is IDomainEvent d ? DispositionDecider.Evolve(s, d) : s, ct);
        var decision = DispositionDecider.Decide(
            new ProposeDestruction(proposalId, organId, facts.Select(f => new ProposalItem(f, reason)).ToList()), state, context);

        if (decision.Rejection is { Code: RejectionCodes.DestructionBlocked } blocked)
        {
            await records.Store.AppendAsync(stream, ExpectedVersion.Any, decision.Events.Cast<object>().ToList(), metadata, ct);
            await WriteRejectionAsync(error, blocked, missing);
            await error.WriteLineAsync($"recorded {decision.Events.Count} destruction.blocked.v1 event(s) on {stream}");
            return Refused;
        }
        if (decision.Rejection is { } rejection || missing.Count > 0)
        {
            await WriteRejectionAsync(error, decision.Rejection ?? Rejection.Invalid([]), missing);
            return Refused;
        }
        await records.Store.AppendAsync(stream, ExpectedVersion.Exactly(version), decision.Events.Cast<object>().ToList(), metadata, ct);
        await output.WriteLineAsync($"proposed {proposalId}: {string.Join(", ", facts.Select(f => f.RecordCode))}");
        return Proposed;
    }

    private static async Task WriteRejectionAsync(TextWriter error, Rejection rejection, IReadOnlyList<FieldError> extra)
    {
        await error.WriteLineAsync($"REFUSED ({rejection.Code})");
        await error.WriteLineAsync($"  vi: {rejection.ReasonVi}");
        await error.WriteLineAsync($"  en: {rejection.ReasonEn}");
        foreach (var e in rejection.Errors.Concat(extra))
            await error.WriteLineAsync($"  {e.Field} [{e.Code}]: {e.MessageVi} / {e.MessageEn}");
    }

    private static async Task<bool> HasEncryptedStreamsAsync(NpgsqlDataSource db, string schema, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select to_regclass('{schema}.stream_keys') is not null and exists (select 1 from {schema}.stream_keys)");
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

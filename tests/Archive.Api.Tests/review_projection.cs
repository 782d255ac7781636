using Archive.Api.Features.Disposition;
using Archive.Api.Features.Records;
using Archive.Api.Tests.Support;
using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Holds;
using Archive.Domain.Retention;
using Archive.EventStore;
using Npgsql;

namespace Archive.Api.Tests;

/// <summary>
/// The "Xem xét hủy" projection keeps facts per record and derives its rows in SQL: here a dossier of 500 documents
/// goes through closing and holds, with events appended through the domain deciders (500 HTTP creates would only be
/// slower), and after each step the list equals what the domain rules (<see cref="CandidateFacts"/>) say from the
/// records' current state.
/// </summary>
public class review_projection(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Organ = Records.Organ;
    private readonly DecisionContext _context = new(new Actor("test", "Kiểm thử", Permissions.ManageHolds), DateTimeOffset.UtcNow);
    private readonly EventMetadata _meta = new() { Actor = "test" };
    private Archive.EventStore.EventStore Store => api.Service<Archive.EventStore.EventStore>();
    private RecordsRepository Repo => api.Service<RecordsRepository>();

    [Fact]
    public async Task a_dossier_of_500_documents_is_listed_as_the_domain_rules_say_through_closing_and_holds()
    {
        var notation = $"{Random.Shared.Next(1000, 9999)}-XH";
        var metadata = new DossierMetadata
        {
            Title = "Hồ sơ hội nghị tổng kết", RetentionCode = "06", AccessMode = "01", Languages = ["01"], Creator = "Văn phòng",
            ConfidenceLevel = "01", StartDate = new(2015, 1, 5), EndDate = new(2015, 12, 20),
        };
        var dossierEvents = Decide(DossierDecider.Decide(new OpenDossier(Organ, 2015, notation, metadata), DossierState.Initial, _context)).ToList();
        var dossier = DossierDecider.Fold(dossierEvents);
        var code = dossier.Code;
        var ids = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        // Document 7 is kept 5 years (07), shorter than its 10-year dossier: it gets a row of its own once the dossier is closed.
        var shortId = ids[7];
        await using (var conn = await api.Service<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            for (var i = 0; i < ids.Count; i++)
            {
                var document = new DocumentMetadata
                {
                    TypeCode = "02", CodeNumber = $"{i + 1}", CodeNotation = "GM-VP", IssuedDate = new(2015, 3, 1), Issuer = "Văn phòng",
                    Subject = $"Giấy mời họp số {i + 1}", Languages = ["01"], AccessMode = "01", ConfidenceLevel = "01",
                    RetentionCode = ids[i] == shortId ? "07" : "06", RetentionYears = ids[i] == shortId ? 5 : null,
                };
                await Store.AppendAsync(conn, tx, RecordsRepository.DocumentStream(ids[i]), ExpectedVersion.NoStream,
                    Decide(DocumentDecider.Decide(new RegisterDocument(ids[i], document), DocumentState.Initial, _context)).Cast<object>().ToList(), _meta);
                var filed = Decide(DossierDecider.Decide(new FileDocument(ids[i], null, document.GetRetention(), 1), dossier, _context));
                dossier = filed.Aggregate(dossier, DossierDecider.Evolve);
                dossierEvents.AddRange(filed);
            }
            await Store.AppendAsync(conn, tx, RecordsRepository.DossierStream(code), ExpectedVersion.NoStream, dossierEvents.Cast<object>().ToList(), _meta);
            await tx.CommitAsync();
        }

        await api.WaitForReviewAsync();
        (await RowsAsync(code, ids)).ShouldBeEmpty("an open dossier and its documents are not reviewed yet");

        await DossierAsync(code, new CloseDossier());
        await api.WaitForReviewAsync();
        var rows = await RowsAsync(code, ids);
        rows.ShouldBe(await ExpectedAsync(code, ids));
        rows.Select(r => r.Id).ShouldBe(new[] { code, shortId }, ignoreOrder: true);
        rows.Single(r => r.Id == shortId).KeepUntil.ShouldBe(new DateOnly(2020, 12, 31));
        rows.Single(r => r.Id == code).KeepUntil.ShouldBe(new DateOnly(2025, 12, 31));

        // A hold on one document of 500 holds the dossier, not the other documents' rows.
        await DocumentAsync(ids[250], new PlaceDocumentHold(new PlaceHold("toa-250", HoldKind.Legal, "TAND tỉnh", "Chứng cứ")));
        await api.WaitForReviewAsync();
        rows = await RowsAsync(code, ids);
        rows.ShouldBe(await ExpectedAsync(code, ids));
        rows.Single(r => r.Id == code).Held.ShouldBeTrue();
        rows.Single(r => r.Id == shortId).Held.ShouldBeFalse();

        // A hold on the dossier holds every document filed in it.
        await DossierAsync(code, new PlaceDossierHold(new PlaceHold("tt-1", HoldKind.Freeze, "Thanh tra tỉnh", "Thanh tra")));
        await DocumentAsync(ids[250], new LiftDocumentHold(new LiftHold("toa-250", "TAND tỉnh", "Xong vụ án")));
        await api.WaitForReviewAsync();
        rows = await RowsAsync(code, ids);
        rows.ShouldBe(await ExpectedAsync(code, ids));
        rows.ShouldAllBe(r => r.Held);

        await DossierAsync(code, new LiftDossierHold(new LiftHold("tt-1", "Thanh tra tỉnh", "Kết thúc thanh tra")));
        await api.WaitForReviewAsync();
        rows = await RowsAsync(code, ids);
        rows.ShouldBe(await ExpectedAsync(code, ids));
        rows.ShouldAllBe(r => !r.Held);
    }

    private static IReadOnlyList<IDomainEvent> Decide(Decision d) =>
        d.IsAccepted ? d.Events : throw new InvalidOperationException($"rejected: {d.Rejection}");

    private async Task DossierAsync(string code, DossierCommand command)
    {
        var (state, version) = await Repo.LoadDossierAsync(code, default);
        await Store.AppendAsync(RecordsRepository.DossierStream(code), ExpectedVersion.Exactly(version),
            Decide(DossierDecider.Decide(command, state, _context)).Cast<object>().ToList(), _meta);
    }

    private async Task DocumentAsync(string id, DocumentCommand command)
    {
        var (state, version) = await Repo.LoadDocumentAsync(id, default);
        await Store.AppendAsync(RecordsRepository.DocumentStream(id), ExpectedVersion.Exactly(version),
            Decide(DocumentDecider.Decide(command, state, _context)).Cast<object>().ToList(), _meta);
    }

    private sealed record Row(string Id, string Kind, string? OrganId, string? Title, string RetentionCode, int? RetentionYears, int EndYear,
        DateOnly KeepUntil, bool Held, string AccessRegime);

    private async Task<List<Row>> RowsAsync(string code, IReadOnlyList<string> ids)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand("""
            select id, kind, organ_id, title, retention_code, retention_years, end_year, keep_until, held, access_regime
            from archive_api.disposition_review where id = any($1) order by id collate "C"
            """);
        cmd.Parameters.AddWithValue(ids.Append(code).ToArray());
        var rows = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.IsDBNull(5) ? null : r.GetInt32(5), r.GetInt32(6), r.GetFieldValue<DateOnly>(7), r.GetBoolean(8), r.GetString(9)));
        return rows;
    }

    /// <summary>The rows the rules give from the records' current state, folded from their streams.</summary>
    private async Task<List<Row>> ExpectedAsync(string code, IReadOnlyList<string> ids)
    {
        var (dossier, _) = await Repo.LoadDossierAsync(code, default);
        var documents = (await Repo.LoadManyAsync(ids.Select(RecordsRepository.DocumentStream).ToList(), DocumentState.Initial, DocumentDecider.Evolve, default))
            .Select(x => x.State).ToList();
        var rows = new List<Row>();
        var d = CandidateFacts.ForDossier(dossier, documents);
        if (dossier.Status is DossierStatus.Closed && !d.Retention.IsPermanent && d.EndYear is { } end)
            rows.Add(new(code, "dossier", Organ, dossier.Metadata!.Title, d.Retention.Code, d.Retention.Years, end, d.Retention.KeepUntil(end)!.Value,
                d.IsUnderHold, dossier.Metadata.AccessMode));
        foreach (var doc in documents)
        {
            var c = CandidateFacts.ForDocument(doc, [dossier]);
            if (!c.Retention.IsPermanent && c.EndYear is { } docEnd && c.Retention < dossier.Retention!)
                rows.Add(new(doc.DocumentId, "document", Organ, doc.Metadata!.Subject, c.Retention.Code, c.Retention.Years, docEnd,
                    c.Retention.KeepUntil(docEnd)!.Value, c.IsUnderHold, doc.Metadata.AccessMode));
        }
        return [.. rows.OrderBy(r => r.Id, StringComparer.Ordinal)];
    }
}

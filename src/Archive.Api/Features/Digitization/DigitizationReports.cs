using Archive.Api.Features.Records;
using Archive.Api.Hosting;
using Archive.Api.Hosting.OpenApi;
using Archive.Api.Infrastructure.Auth;
using Archive.Domain.CodeLists;
using Archive.Domain.Documents;
using Npgsql;

namespace Archive.Api.Features.Digitization;

/// <summary>
/// Tiến độ theo đơn vị: progress of one unit. A unit (đơn vị) is the organ (mã cơ quan, the fonds) with the heading of its
/// dossier list that the dossier's number and symbol name (TT 05/2025 dossier code = organ id + year + số và ký hiệu hồ sơ;
/// NĐ 30/2020 Phụ lục V: the symbol is the abbreviation of the dossier list's main heading, in practice the producing unit,
/// e.g. "VP" for Văn phòng in "02-VP"). Pages are counted from the digitization events (received: the scan's pages; converted:
/// the PDF/A's; signed; failed: pages of files in the dead-letter list).
/// </summary>
public sealed record UnitProgress(string Fonds, string Unit, long Files, long FilesSigned, long FilesFailed, long PagesReceived, long PagesConverted,
    long PagesSigned, long PagesFailed, double? PagesPerHour, DateTimeOffset? EstimatedEnd);

/// <summary>A warning on a record of a batch: the checks of the scan (resolution for its kind, colour, PDF/A, page count) and of its OCR (blank or unreadable pages).</summary>
public sealed record BatchWarning(string DocumentId, string? DocumentCode, string Title, int Version, string Code, string MessageVi, string MessageEn);

/// <summary>A file in the dead-letter list, named by its document's code and title (as an officer looks for it).</summary>
public sealed record DeadLetterView(string JobId, string DocumentId, string? DocumentCode, string Title, int SourceVersion, string Step, int Attempts,
    string? Error, string? Batch, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class DigitizationReports
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["GET /api/v1/digitization/progress/units"] = new("Tiến độ số hóa theo đơn vị", "Digitization progress per unit",
            "Theo từng đơn vị (mã cơ quan và đề mục của số, ký hiệu hồ sơ): số tệp, trang đã nhận, đã chuyển đổi, đã ký, lỗi; tốc độ (trang/giờ) và thời điểm dự kiến xong; lọc theo đợt và phông.",
            "Per unit (organ id and the heading of the dossier's number and symbol): files, pages received, converted, signed and failed; pages per hour and the estimated end; filter by batch and fonds.")
            { Returns = typeof(List<UnitProgress>) },
        ["GET /api/v1/digitization/warnings"] = new("Cảnh báo số hóa theo đợt", "Digitization warnings per batch",
            "Các cảnh báo trên tài liệu của một đợt: độ phân giải thấp hơn quy định theo loại tài liệu, trang trắng, độ tin cậy OCR thấp, số trang khác khai báo, không phải ảnh màu.",
            "The warnings on the documents of a batch: resolution below the rule for the document's kind, blank pages, low OCR confidence, page count differing from the description, not colour.")
            { Returns = typeof(List<BatchWarning>), Problems = [400] },
    };

    public static IEndpointRouteBuilder MapDigitizationAtScale(this IEndpointRouteBuilder routes)
    {
        routes.MapSplitting();
        var group = routes.MapGroup("/api/v1/digitization").WithTags("Digitization").Describe(Docs);
        group.MapGet("/progress/units", async Task<IResult> (string? batch, string? fonds, NpgsqlDataSource db, CancellationToken ct) =>
            TypedResults.Ok(await UnitsAsync(db, batch, fonds, ct))).RequireRoles(Roles.RecordsOfficer, Roles.Auditor, Roles.Admin);
        group.MapGet("/warnings", async Task<IResult> (string? batch, HttpContext http, RecordsRepository repo, CancellationToken ct) =>
        {
            var v = new Infrastructure.Problems.ValidationProblemBuilder().MaxLength("batch", batch, 200);
            if (string.IsNullOrWhiteSpace(batch)) v.Add("batch", "required", "Hãy nêu đợt số hóa.", "Name the batch.");
            if (v.HasErrors) return v.ToResult();
            return TypedResults.Ok(await WarningsAsync(repo, http, batch!, ct));
        }).RequireRoles(Roles.RecordsOfficer, Roles.Auditor, Roles.Admin);
        return routes;
    }

    /// <summary>Per-unit progress from the digitization events (whatever runs the queue) and the inline record list.</summary>
    public static async Task<IReadOnlyList<UnitProgress>> UnitsAsync(NpgsqlDataSource db, string? batch, string? fonds, CancellationToken ct)
    {
        var s = EventStoreSetup.Schema;
        await using var cmd = db.CreateCommand($"""
            with queued as (
                select substr(stream_id, 10) as document_id, data->>'jobId' as job_id, (data->>'pages')::int as pages, recorded_at
                from {s}.events where type = 'document.digitization.queued.v1' and ($1::text is null or data->>'batch' = $1)),
            steps as (
                select e.data->>'jobId' as job_id,
                       max((e.data->>'pages')::int) filter (where e.type = 'document.digitization.converted.v1') as converted_pages,
                       max(e.recorded_at) filter (where e.type = 'document.digitization.signed.v1') as signed_at,
                       (array_agg(e.type order by e.position desc) filter (where e.type in ('document.digitization.failed.v1', 'document.digitization.retried.v1')))[1]
                           = 'document.digitization.failed.v1' as failed
                from {s}.events e join queued q on q.job_id = e.data->>'jobId'
                where e.type in ('document.digitization.converted.v1', 'document.digitization.signed.v1', 'document.digitization.failed.v1',
                                 'document.digitization.retried.v1') and e.stream_id = 'document-' || q.document_id
                group by 1),
            units as (
                select q.*, st.converted_pages, st.signed_at, coalesce(st.failed, false) as failed,
                       coalesce(doc.organ_id, dossier.organ_id, '') as fonds,
                       coalesce(nullif(regexp_replace(coalesce(dossier.file_notation, ''), '^[0-9]+\s*[-./]?\s*', ''), ''), dossier.file_notation, '') as unit
                from queued q
                left join steps st on st.job_id = q.job_id
                left join archive_api.record_list doc on doc.kind = 'document' and doc.id = q.document_id
                left join archive_api.record_list dossier on dossier.kind = 'dossier' and dossier.id = doc.dossier_codes[1])
            select fonds, unit, count(*), count(signed_at), count(*) filter (where failed),
                   coalesce(sum(coalesce(pages, converted_pages, 0)), 0),
                   coalesce(sum(converted_pages), 0),
                   coalesce(sum(converted_pages) filter (where signed_at is not null), 0),
                   coalesce(sum(coalesce(converted_pages, pages, 0)) filter (where failed), 0),
                   min(recorded_at), max(signed_at)
            from units where ($2::text is null or fonds = $2)
            group by fonds, unit order by fonds, unit
            """);
        cmd.Parameters.AddWithValue((object?)batch ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)fonds ?? DBNull.Value);
        var list = new List<UnitProgress>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            long received = r.GetInt64(5), signed = r.GetInt64(7), failedPages = r.GetInt64(8);
            DateTimeOffset? first = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), last = r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10);
            var (perHour, eta) = Throughput(received - failedPages, signed, first, last, DateTimeOffset.UtcNow);
            list.Add(new UnitProgress(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), received, r.GetInt64(6), signed,
                failedPages, perHour, eta));
        }
        return list;
    }

    /// <summary>Pages signed per hour between the first file received and the last signed, and when the rest would be done at that pace.</summary>
    public static (double? PerHour, DateTimeOffset? Eta) Throughput(long toDo, long done, DateTimeOffset? first, DateTimeOffset? last, DateTimeOffset now)
    {
        if (first is not { } f || last is not { } l || l <= f || done <= 0) return (null, null);
        var perHour = done / (l - f).TotalHours;
        var remaining = toDo - done;
        return (Math.Round(perHour, 1), remaining <= 0 ? l : now.AddHours(remaining / perHour));
    }

    /// <summary>Warnings on the kept file of each of the batch's documents the caller may read, from each document's own events.</summary>
    public static async Task<IReadOnlyList<BatchWarning>> WarningsAsync(RecordsRepository repo, HttpContext http, string batch, CancellationToken ct)
    {
        var ids = new List<string>();
        await using (var cmd = new NpgsqlCommand($"""
            select distinct stream_id from {EventStoreSetup.Schema}.events where type = 'document.digitization.queued.v1' and data->>'batch' = $1 order by 1
            """))
        {
            await using var conn = await http.RequestServices.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
            cmd.Connection = conn;
            cmd.Parameters.AddWithValue(batch);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids.Add(r.GetString(0));
        }
        var docs = await repo.LoadManyAsync(ids, DocumentState.Initial, DocumentDecider.Evolve, ct);
        var visible = docs.Select(d => d.State).Where(d => d.Status == DocumentStatus.Registered && RecordsHttp.MayRead(http.User, d.Metadata?.AccessMode)).ToList();
        var filings = await repo.FilingsOfAsync(visible.Select(d => d.DocumentId).ToList(), ct);
        // The file that is kept is what is judged: the PDF/A once converted (its checks include the OCR's page warnings), the upload until then.
        return visible.SelectMany(d => (d.Contents.FirstOrDefault(c => c.Version == d.Digitizations.LastOrDefault(j => j.ConvertedVersion is not null)?.ConvertedVersion)
                ?? d.CurrentContent) is { } c
                ? c.Warnings.Select(w => new BatchWarning(d.DocumentId, filings.GetValueOrDefault(d.DocumentId)?.FirstOrDefault()?.DocumentCode, Title(d.Metadata!),
                    c.Version, w.Code, w.MessageVi, w.MessageEn))
                : []).ToList();
    }

    /// <summary>Dead letters the caller may read, each named by its document's code and title.</summary>
    public static async Task<IReadOnlyList<DeadLetterView>> NameAsync(IReadOnlyList<DeadLetter> dead, RecordsRepository repo,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var docs = await repo.LoadManyAsync(dead.Select(d => RecordsRepository.DocumentStream(d.DocumentId)).ToList(), DocumentState.Initial, DocumentDecider.Evolve, ct);
        var filings = await repo.FilingsOfAsync(dead.Select(d => d.DocumentId).Distinct().ToList(), ct);
        return dead.Select((d, i) => (d, doc: docs[i].State))
            .Where(x => x.doc.Metadata is not null && RecordsHttp.MayRead(user, x.doc.Metadata.AccessMode))
            .Select(x => new DeadLetterView(x.d.JobId, x.d.DocumentId, filings.GetValueOrDefault(x.d.DocumentId)?.FirstOrDefault()?.DocumentCode,
                Title(x.doc.Metadata!), x.d.SourceVersion, x.d.Step, x.d.Attempts, x.d.Error, x.d.Batch, x.d.CreatedAt, x.d.UpdatedAt))
            .ToList();
    }

    /// <summary>"Kế hoạch 391/KH-UBND: Triển khai …" (type name, number and notation, subject).</summary>
    public static string Title(DocumentMetadata m)
    {
        var type = Archive.Domain.CodeLists.CodeLists.DocumentTypes.Entries.FirstOrDefault(e => e.Code == m.TypeCode)?.NameVi ?? m.TypeCode;
        return $"{type} {m.NumberAndNotation}".Trim() + ": " + m.Subject;
    }
}

using System.Text.Json;
using Archive.Api.Features.Search;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Concurrency;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Archive.Api.Hosting.OpenApi;
using System.ComponentModel.DataAnnotations;

namespace Archive.Api.Features.SavedSearches;

/// <summary>Saved searches per caller (lưu điều kiện tra cứu — NĐ 30/2020 Phụ lục VI III.6.e).</summary>
public static class SavedSearchesApi
{
    private static readonly Dictionary<string, OperationDoc> Docs = new()
    {
        ["POST /api/v1/saved-searches"] = new("Lưu tìm kiếm", "Save a search", "Lưu một truy vấn tìm kiếm của người gọi.", "Saves a search query for the caller.")
            { Status = 201, Returns = typeof(SavedSearch) },
        ["GET /api/v1/saved-searches"] = new("Tìm kiếm đã lưu", "Saved searches", "Các tìm kiếm người gọi đã lưu.", "The caller's saved searches.")
            { Returns = typeof(List<SavedSearch>) },
        ["GET /api/v1/saved-searches/{id}"] = new("Xem tìm kiếm đã lưu", "Get a saved search", "Một tìm kiếm đã lưu của người gọi.", "One of the caller's saved searches.")
            { Returns = typeof(SavedSearch) },
        ["PUT /api/v1/saved-searches/{id}"] = new("Sửa tìm kiếm đã lưu", "Edit a saved search", "Đổi tên hoặc truy vấn.", "Changes its name or query.")
            { Returns = typeof(SavedSearch), Problems = [409] },
        ["DELETE /api/v1/saved-searches/{id}"] = new("Xóa tìm kiếm đã lưu", "Delete a saved search", "Xóa một tìm kiếm đã lưu.", "Deletes a saved search.")
            { Status = 204 },
        ["GET /api/v1/saved-searches/{id}/results"] = new("Chạy tìm kiếm đã lưu", "Run a saved search", "Kết quả của truy vấn đã lưu, phân trang.", "The saved query's results, paged.")
            { Returns = typeof(SearchPage) },
    };

    public sealed record SavedSearchInput([property: Required] string? Name, SearchQuery? Query);
    public sealed record SavedSearch(Guid Id, string Name, SearchQuery Query, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public static IEndpointRouteBuilder MapSavedSearches(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/saved-searches").WithTags("SavedSearches").RequireAuthorization(Policies.AnyRole).Describe(Docs);

        group.MapPost("/", async Task<Results<Created<SavedSearch>, ProblemHttpResult>> (SavedSearchInput body, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            var v = Validate(body);
            if (v.HasErrors) return v.ToResult();
            // Under an Idempotency-Key the row commits with the answer a retry gets (IdempotencyClaim).
            var saved = await IdempotencyClaim.WriteAsync(http, db, async (conn, tx) =>
            {
                await using var cmd = new NpgsqlCommand("""
                    insert into archive_api.saved_searches (id, owner, name, query) values ($1, $2, $3, $4)
                    returning id, name, query::text, version, created_at, updated_at
                    """, conn, tx);
                cmd.Parameters.AddWithValue(Guid.CreateVersion7());
                cmd.Parameters.AddWithValue(http.User.CallerId());
                cmd.Parameters.AddWithValue(body.Name!.Trim());
                cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(body.Query ?? new SearchQuery()));
                return (await ReadAsync(cmd, ct))[0];
            }, ct);
            http.Response.SetETag(saved.Version);
            return TypedResults.Created($"/api/v1/saved-searches/{saved.Id}", saved);
        }).Idempotent();

        group.MapGet("/", async (NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            await using var cmd = db.CreateCommand("""
                select id, name, query::text, version, created_at, updated_at from archive_api.saved_searches where owner = $1 order by name, id
                """);
            cmd.Parameters.AddWithValue(http.User.CallerId());
            return TypedResults.Ok(await ReadAsync(cmd, ct));
        });

        group.MapGet("/{id:guid}", async Task<Results<Ok<SavedSearch>, ProblemHttpResult>> (Guid id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            var saved = await FindAsync(db, id, http.User.CallerId(), ct);
            if (saved is null) return ApiProblems.NotFound();
            http.Response.SetETag(saved.Version);
            return TypedResults.Ok(saved);
        });

        group.MapGet("/{id:guid}/results", async Task<Results<Ok<SearchPage>, ProblemHttpResult>> (Guid id, string? cursor, int? limit,
            NpgsqlDataSource db, SearchIndex index, Records.RecordsRepository repo, HttpContext http, CancellationToken ct) =>
        {
            var saved = await FindAsync(db, id, http.User.CallerId(), ct);
            if (saved is null) return ApiProblems.NotFound();
            if (!SearchIndex.Cursor.IsValid(cursor) || limit is < 1 or > SearchIndex.MaxPageSize)
                return new ValidationProblemBuilder().Add("cursor", "invalid", "Tham số phân trang không hợp lệ.", "Invalid paging parameters.").ToResult();
            // Access is re-evaluated on every run: a saved search never widens what the caller may see.
            return TypedResults.Ok(await SearchApi.RunAsync(index, repo, saved.Query, http.User, cursor, limit ?? 50, ct));
        });

        group.MapPut("/{id:guid}", async Task<Results<Ok<SavedSearch>, ProblemHttpResult>> (Guid id, SavedSearchInput body, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            var v = Validate(body);
            if (v.HasErrors) return v.ToResult();
            await using var cmd = db.CreateCommand("""
                update archive_api.saved_searches set name = $4, query = $5, version = version + 1, updated_at = now()
                where id = $1 and owner = $2 and version = $3
                returning id, name, query::text, version, created_at, updated_at
                """);
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(http.User.CallerId());
            cmd.Parameters.AddWithValue((int)http.ExpectedVersion());
            cmd.Parameters.AddWithValue(body.Name!.Trim());
            cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(body.Query ?? new SearchQuery()));
            var updated = await ReadAsync(cmd, ct);
            if (updated.Count == 1)
            {
                http.Response.SetETag(updated[0].Version);
                return TypedResults.Ok(updated[0]);
            }
            var current = await FindAsync(db, id, http.User.CallerId(), ct);
            return current is null ? ApiProblems.NotFound() : ETags.Stale(http, current.Version);
        }).RequireIfMatch();

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            await using var cmd = db.CreateCommand("delete from archive_api.saved_searches where id = $1 and owner = $2 and version = $3");
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(http.User.CallerId());
            cmd.Parameters.AddWithValue((int)http.ExpectedVersion());
            if (await cmd.ExecuteNonQueryAsync(ct) == 1) return TypedResults.NoContent();
            var current = await FindAsync(db, id, http.User.CallerId(), ct);
            return current is null ? ApiProblems.NotFound() : ETags.Stale(http, current.Version);
        }).RequireIfMatch();
        return routes;
    }

    private static ValidationProblemBuilder Validate(SavedSearchInput body)
    {
        var v = new ValidationProblemBuilder().Required("name", body.Name).MaxLength("name", body.Name, 200);
        if (body.Query is not null)
            foreach (var e in SearchApi.Validate(body.Query).Errors) v.Add("query." + e.Field, e.Code, e.MessageVi, e.MessageEn);
        return v;
    }

    private static async Task<SavedSearch?> FindAsync(NpgsqlDataSource db, Guid id, string owner, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id, name, query::text, version, created_at, updated_at from archive_api.saved_searches where id = $1 and owner = $2");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(owner);
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    private static async Task<List<SavedSearch>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<SavedSearch>();
        while (await r.ReadAsync(ct))
            list.Add(new SavedSearch(r.GetGuid(0), r.GetString(1), JsonSerializer.Deserialize<SearchQuery>(r.GetString(2))!, r.GetInt32(3),
                new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero), new DateTimeOffset(r.GetDateTime(5), TimeSpan.Zero)));
        return list;
    }
}

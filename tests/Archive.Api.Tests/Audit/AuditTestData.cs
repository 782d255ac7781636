using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Tests.Support;
using Npgsql;

namespace Archive.Api.Tests.Audit;

/// <summary>Records made through the HTTP API by a records officer, for the audit tests to look at.</summary>
public static class AuditTestData
{
    public sealed record Filed(HttpClient Officer, string Dossier, string DocumentId, string? Sha256);

    public static async Task<Filed> DossierWithDocumentAsync(ApiFixture api, string notation, bool withContent = false, byte fill = 0x80)
    {
        var officer = await api.ClientAsync(Roles.RecordsOfficer);
        var dossier = await Records.CreateDossierAsync(officer, notation);
        var id = (await Records.CreateDocumentAsync(officer, dossier)).GetProperty("id").GetString()!;
        string? sha = null;
        if (withContent)
        {
            sha = (await Records.UploadPdfAsync(officer, id, PdfSamples.Scan(300, true, fill: fill))).GetProperty("sha256").GetString();
        }
        return new Filed(officer, dossier, id, sha);
    }

    public static async Task<long> LastPositionAsync(this ApiFixture api)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand("select coalesce(max(position), 0) from event_store.events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The database's clock, which stamps events: a replay "as of now" must use the same clock.</summary>
    public static async Task<DateTimeOffset> DatabaseNowAsync(this ApiFixture api)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand("select clock_timestamp()");
        return new DateTimeOffset((DateTime)(await cmd.ExecuteScalarAsync())!);
    }

    public static async Task<int> SqlAsync(this ApiFixture api, string sql, params object[] args)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(this ApiFixture api, string sql, params object[] args)
    {
        await using var cmd = api.Service<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}

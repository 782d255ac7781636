using Archive.Api.Features.Records;
using Archive.Api.Tests.Support;
using Npgsql;

namespace Archive.Api.Tests;

/// <summary>
/// An archive from before the access tables were merged: a record list that had deleted the rows of destroyed records,
/// and <c>archive_api.record_access</c> that still knew their regimes.
/// </summary>
public sealed class FormerAccessTableFixture : ApiFixture
{
    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        using var db = NpgsqlDataSource.Create(ConnectionString);
        using var cmd = db.CreateCommand("create schema if not exists archive_api;" + RecordList.Ddl + """
            insert into archive_api.record_list (kind, id, organ_id, year, file_notation, title, status, access_regime, retention_code, sort_date, version)
                values ('dossier', '000.00.00.H29.2020.01-VP', '000.00.00.H29', 2020, '01-VP', 'Hồ sơ còn lại', 'closed', '01', '06', '2020-01-01', 3);
            create table archive_api.record_access (stream_id text primary key, access_regime text not null, updated_position bigint not null);
            create table archive_api.record_access_backfill (done_at timestamptz not null);
            insert into archive_api.record_access values ('dossier-000.00.00.H29.2020.01-VP', '01', 1),
                ('document-5eceded0000000000000000000000001', '03', 2), ('dossier-000.00.00.H29.2019.09-MAT', '03', 3), ('fonds-000.00.00.H29', '01', 4);
            """);
        cmd.ExecuteNonQuery();
    }
}

public class access_table_upgrade(FormerAccessTableFixture api) : IClassFixture<FormerAccessTableFixture>
{
    [Fact]
    public async Task at_start_the_former_access_table_becomes_tombstones_in_the_record_list_and_is_dropped()
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using (var gone = db.CreateCommand("select to_regclass('archive_api.record_access') is null and to_regclass('archive_api.record_access_backfill') is null"))
            (await gone.ExecuteScalarAsync()).ShouldBe(true);
        await using var cmd = db.CreateCommand("select kind || ':' || id || ':' || status || ':' || access_regime || ':' || title from archive_api.record_list order by kind, id");
        var rows = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows.Add(r.GetString(0));
        rows.ShouldBe([
            "document:5eceded0000000000000000000000001:destroyed:03:",
            "dossier:000.00.00.H29.2019.09-MAT:destroyed:03:",
            "dossier:000.00.00.H29.2020.01-VP:closed:01:Hồ sơ còn lại",
        ]);
    }
}

using Archive.Testing;
using Npgsql;

namespace Archive.EventStore.Tests.Support;

/// <summary>A fresh database per test class with a migrated store in it.</summary>
public class StoreFixture : DatabaseFixture
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public EventStore Store { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Store = NewStore();
        await Store.MigrateAsync();
    }

    public EventStore NewStore(Action<EventStoreOptions>? configure = null)
    {
        var options = new EventStoreOptions();
        options.Events.RegisterAssembly(typeof(StoreFixture).Assembly);
        configure?.Invoke(options);
        return new EventStore(DataSource, options);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        var v = await cmd.ExecuteScalarAsync();
        return v is DBNull or null ? default : (T)v;
    }

    public async Task ExecAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    public override async Task DisposeAsync()
    {
        if (DataSource is not null) await DataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}

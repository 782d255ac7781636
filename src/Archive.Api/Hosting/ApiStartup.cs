using Archive.Api.Infrastructure.Auth;
using Npgsql;

namespace Archive.Api.Hosting;

/// <summary>
/// Runs before the server listens: creates the API schema and, when no active admin key
/// exists, a bootstrap admin key written owner-only to <c>admin.key</c> in the data folder (the
/// only place the secret ever appears; the log says where it is, never what it is).
/// </summary>
public static class ApiStartup
{
    public const string AdminKeyFile = "admin.key";

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        await ApiSchema.EnsureAsync(db, ct);
        await services.GetRequiredService<Archive.EventStore.EventStore>().MigrateAsync(ct);
        await Archive.EventStore.Integrity.Seals.SealSchema.EnsureAsync(db, EventStoreSetup.Schema, ct);
        await ApiSchema.EnsureStoreIndexesAsync(db, EventStoreSetup.Schema, ct);
        await Features.Digitization.DigitizationServices.EnsureSchemaAsync(db, ct);
        await Features.Records.RecordList.EnsureAsync(services, ct);
        await services.GetRequiredService<Infrastructure.Shredding.RestoreShredding>().CompleteAsync(ct);
        await EnsureAdminKeyAsync(services, ct);
    }

    private static async Task EnsureAdminKeyAsync(IServiceProvider services, CancellationToken ct)
    {
        var keys = services.GetRequiredService<ApiKeyStore>();
        var data = services.GetRequiredService<ArchiveDatabase>();
        await using var conn = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Two instances starting together must not each mint an admin key.
        await using (var l = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.admin-key'))", conn, tx))
            await l.ExecuteScalarAsync(ct);
        if (await keys.ActiveAdminExistsAsync(ct)) return;
        var created = await keys.CreateAsync("bootstrap admin", Roles.Admin, clearedForSecret: true, createdBy: "startup", ct);
        var path = Path.Combine(data.DataFolder, AdminKeyFile);
        WriteOwnerOnly(path, created.Key + Environment.NewLine);
        await tx.CommitAsync(ct);
        // The secret goes to the owner-only file and nowhere else: logs are collected, shipped and kept by others.
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Archive.Startup").LogWarning(
            "Created the bootstrap admin API key {KeyId}; the key is in {Path} (owner-only). Read it from there, then keep it safe.",
            created.Info.Id, path);
    }

    internal static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var f = new FileStream(path, options))
        using (var w = new StreamWriter(f)) w.Write(content);
        // UnixCreateMode only applies to new files; an old admin.key keeps its mode otherwise.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Auth;
using Npgsql;

namespace Archive.Api.Web.People;

/// <summary>
/// Before the server listens: the people table, and when no enabled admin person exists, the first admin
/// (<c>admin</c>) with a random password written owner-only (0600) to <c>admin.password</c> in the data folder, like
/// <c>admin.key</c>. The password is never printed or logged; only the file's path is.
/// </summary>
public static class WebStartup
{
    public const string AdminPasswordFile = "admin.password";
    public const string FirstAdminUserName = "admin";

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        await using (var ddl = db.CreateCommand(PersonStore.Ddl)) await ddl.ExecuteNonQueryAsync(ct);
        var people = services.GetRequiredService<PersonStore>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Two instances starting together must not each create a first admin.
        await using (var l = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('archive_api.first-admin'))", conn, tx))
            await l.ExecuteScalarAsync(ct);
        if (await people.ActiveAdminExistsAsync(ct, conn, tx)) return;
        var password = PersonStore.GeneratePassword();
        var userName = FirstAdminUserName;
        await using (var taken = new NpgsqlCommand("select exists (select 1 from archive_api.people where user_name = $1)", conn, tx))
        {
            taken.Parameters.AddWithValue(userName);
            if ((bool)(await taken.ExecuteScalarAsync(ct))!) userName = "admin-" + Guid.NewGuid().ToString("N")[..6];
        }
        await people.CreateAsync(userName, "Quản trị viên", Roles.Admin, clearedForSecret: true, password, "startup", ct, conn, tx);
        var path = Path.Combine(services.GetRequiredService<ArchiveDatabase>().DataFolder, AdminPasswordFile);
        ApiStartup.WriteOwnerOnly(path, $"{userName}{Environment.NewLine}{password}{Environment.NewLine}");
        await tx.CommitAsync(ct);
        Console.WriteLine($"archive: created the first administrator '{userName}' for the web application; the password is in {path} (owner-only).");
    }
}

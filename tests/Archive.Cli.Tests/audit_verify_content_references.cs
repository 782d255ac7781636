using Signing.Development;

namespace Archive.Cli.Tests;

/// <summary>
/// What the archive's own database says must be in the content folder, and the archive's development root as a
/// trust anchor. A class of its own: the reference table is the API's <c>archive_api.content_refs</c>, one per database.
/// </summary>
public class audit_verify_content_references(AuditDatabase db) : IClassFixture<AuditDatabase>
{
    private async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(args, output, new StringWriter());
        return (code, output.ToString());
    }

    [Fact]
    public async Task a_blob_the_database_references_but_the_folder_lacks_is_reported_missing()
    {
        using var a = await AuditTestArchive.CreateAsync(db);
        var gone = Path.GetFileName(a.BlobPaths[0]);
        var kept = Path.GetFileName(a.BlobPaths[1]);
        await db.ExecAsync($"""
            create schema if not exists archive_api;
            create table if not exists archive_api.content_refs (sha256 text not null, owner_kind text not null, owner_id text not null,
                created_at timestamptz not null default now(), primary key (sha256, owner_kind, owner_id));
            insert into archive_api.content_refs (sha256, owner_kind, owner_id) values ('{gone}', 'document', 'd1'), ('{kept}', 'document', 'd2');
            """);
        File.Delete(a.BlobPaths[0]);

        var (code, output) = await RunAsync("audit", "verify", "--connection", db.ConnectionString, "--schema", a.Schema,
            "--content", a.ContentDir, "--trusted-cert", a.CertificateFile);

        code.ShouldBe(1, output);
        output.ShouldContain($"MISSING {gone[..2]}/{gone[2..4]}/{gone}: referenced by the database");
        output.ShouldNotContain(kept[..8] + " ");
        output.ShouldContain("RESULT broken");
        await db.ExecAsync("drop schema archive_api cascade");
    }

    [Fact]
    public async Task seals_signed_under_the_development_root_verify_with_that_root_as_the_trust_anchor()
    {
        var pki = new DevelopmentPki("Trung tâm Lưu trữ thử nghiệm (DEVELOPMENT)");
        using var a = await AuditTestArchive.CreateAsync(db, pki: pki);
        var otherRoot = Path.Combine(Path.GetTempPath(), $"other-root-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(otherRoot, new DevelopmentPki("Tổ chức khác").Root.ExportCertificatePem());

        var (trusted, output) = await RunAsync("audit", "verify", "--connection", db.ConnectionString, "--schema", a.Schema,
            "--trusted-cert", a.CertificateFile);
        var (stranger, strangerOutput) = await RunAsync("audit", "verify", "--connection", db.ConnectionString, "--schema", a.Schema,
            "--trusted-cert", otherRoot);
        File.Delete(otherRoot);

        File.ReadAllText(a.CertificateFile).ShouldStartWith("-----BEGIN CERTIFICATE-----");
        trusted.ShouldBe(0, output);
        output.ShouldContain("RESULT intact");
        stranger.ShouldBe(1, strangerOutput);
        strangerOutput.ShouldContain("untrusted certificate");
    }
}

using System.Text.Json;

namespace Archive.Cli.Tests;

public class audit_verify_command : IClassFixture<AuditDatabase>
{
    private readonly AuditDatabase _db;
    public audit_verify_command(AuditDatabase db) => _db = db;

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private Task<(int Code, string Out, string Err)> VerifyAsync(AuditTestArchive a, params string[] extra) =>
        RunAsync(["audit", "verify", "--connection", _db.ConnectionString, "--schema", a.Schema, "--content", a.ContentDir,
            "--trusted-cert", a.CertificateFile, .. extra]);

    [Fact]
    public async Task a_clean_archive_exits_zero()
    {
        using var a = await AuditTestArchive.CreateAsync(_db);

        var (code, output, _) = await VerifyAsync(a);

        code.ShouldBe(0, output);
        output.ShouldContain("RESULT intact");
        output.ShouldContain("content: 2 blob(s) checked; intact");
    }

    [Fact]
    public async Task a_tampered_event_exits_one_and_the_output_names_it()
    {
        using var a = await AuditTestArchive.CreateAsync(_db);
        await _db.ExecAsync($"update {a.Schema}.events set data = '{{\"title\": \"forged\"}}' where stream_id = '{a.Stream}' and version = 2");

        var (code, output, _) = await VerifyAsync(a);

        code.ShouldBe(1);
        output.ShouldContain($"CHAIN stream {a.Stream} version 2");
        output.ShouldContain($"ALTERED seal 1 stream {a.Stream} version 2");
        output.ShouldContain("RESULT broken");
    }

    [Fact]
    public async Task timestamped_seals_verify_and_a_damaged_token_fails_the_audit()
    {
        using var a = await AuditTestArchive.CreateAsync(_db, new InProcessTsa());

        var (clean, cleanOutput, _) = await VerifyAsync(a);
        await _db.ExecAsync($"update {a.Schema}.audit_seals set timestamp_token = substring(timestamp_token from 1 for 40) where seal_no = 1");
        var (damaged, output, _) = await VerifyAsync(a);

        clean.ShouldBe(0, cleanOutput);
        damaged.ShouldBe(1);
        output.ShouldContain("SIGNATURE_INVALID seal 1: timestamp token cannot be decoded");
    }

    [Fact]
    public async Task a_replaced_blob_exits_one_and_the_output_names_it()
    {
        using var a = await AuditTestArchive.CreateAsync(_db);
        await File.WriteAllTextAsync(a.BlobPaths[1], "a forged document");
        var relative = Path.GetRelativePath(a.ContentDir, a.BlobPaths[1]).Replace('\\', '/');

        var (code, output, _) = await VerifyAsync(a);

        code.ShouldBe(1);
        output.ShouldContain($"MISMATCH {relative}");
    }

    [Fact]
    public async Task a_seal_signed_by_an_untrusted_certificate_fails()
    {
        using var a = await AuditTestArchive.CreateAsync(_db);
        var stranger = Path.GetTempFileName();
        using (var other = AuditTestArchive.NewOrganizationCertificate("CN=Someone Else"))
            await File.WriteAllBytesAsync(stranger, other.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Cert));

        var (code, output, _) = await RunAsync("audit", "verify", "--connection", _db.ConnectionString, "--schema", a.Schema,
            "--trusted-cert", stranger);
        File.Delete(stranger);

        code.ShouldBe(1);
        output.ShouldContain("SIGNATURE_INVALID seal 1");
        output.ShouldContain("untrusted certificate");
    }

    [Fact]
    public async Task json_output_is_a_machine_report_of_the_findings()
    {
        using var a = await AuditTestArchive.CreateAsync(_db);
        await _db.ExecAsync($"delete from {a.Schema}.events where stream_id = '{a.Stream}' and version = 1");

        var (code, output, _) = await VerifyAsync(a, "--json");

        code.ShouldBe(1);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("result").GetString().ShouldBe("broken");
        var finding = doc.RootElement.GetProperty("seals").GetProperty("findings").EnumerateArray().ShouldHaveSingleItem();
        finding.GetProperty("kind").GetString().ShouldBe("REMOVED");
        finding.GetProperty("stream_id").GetString().ShouldBe(a.Stream);
        finding.GetProperty("version").GetInt64().ShouldBe(1);
        doc.RootElement.GetProperty("content").GetProperty("files_checked").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task the_check_writes_nothing_even_where_seal_tables_are_missing()
    {
        var schema = $"bare_{Guid.NewGuid():N}"[..16];
        await new EventStore.EventStore(_db.DataSource, new EventStore.EventStoreOptions { Schema = schema }).MigrateAsync();

        var (code, output, _) = await RunAsync("audit", "verify", "--connection", _db.ConnectionString, "--schema", schema);

        code.ShouldBe(0, output);
        output.ShouldContain("seals: 0 seal(s)");
        await using var cmd = _db.DataSource.CreateCommand($"select to_regclass('{schema}.audit_seals') is null");
        ((bool)(await cmd.ExecuteScalarAsync())!).ShouldBeTrue();
    }

    [Theory]
    [InlineData("audit", "verify")]
    [InlineData("audit", "verify", "--connection")]
    [InlineData("audit")]
    [InlineData("frobnicate")]
    public async Task usage_errors_exit_two(params string[] args)
    {
        (await RunAsync(args)).Code.ShouldBe(2);
    }

    [Fact]
    public async Task a_missing_content_folder_or_bad_schema_is_a_usage_error()
    {
        (await RunAsync("audit", "verify", "--connection", _db.ConnectionString, "--content", "/nonexistent/archive-content")).Code.ShouldBe(2);
        (await RunAsync("audit", "verify", "--connection", _db.ConnectionString, "--schema", "x; drop table y")).Code.ShouldBe(2);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Archive.Cli.Audit;
using Archive.EventStore;
using Archive.EventStore.Integrity.Seals;
using Archive.Testing;
using Npgsql;

namespace Archive.Cli.Tests;

[EventType("cli.thing.opened.v1")]
public sealed record CliThingOpened(string Title);

[EventType("cli.thing.renamed.v1")]
public sealed record CliThingRenamed(string Title);

/// <summary>One database per test class; each test builds its archive in its own schema and folder.</summary>
public sealed class AuditDatabase : DatabaseFixture
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        if (DataSource is not null) await DataSource.DisposeAsync();
        await base.DisposeAsync();
    }

    public async Task ExecAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>A sealed event store (self-signed organization certificate) plus a content folder of blobs.</summary>
public sealed class AuditTestArchive : IDisposable
{
    public required string Schema { get; init; }
    public required string Stream { get; init; }
    public required string ContentDir { get; init; }
    public required string CertificateFile { get; init; }
    public required List<string> BlobPaths { get; init; }

    public static X509Certificate2 NewOrganizationCertificate(string subject = "CN=Test Archive Organization")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <param name="tsa">When given, seals are timestamped through it.</param>
    /// <param name="pki">When given, seals are signed by its organization certificate (its issuer embedded, as the API
    /// signs them) and <see cref="CertificateFile"/> is its root as PEM, as the archive writes it.</param>
    public static async Task<AuditTestArchive> CreateAsync(AuditDatabase db, HttpMessageHandler? tsa = null, Signing.Development.DevelopmentPki? pki = null)
    {
        var schema = $"cli_{Guid.NewGuid():N}"[..16];
        var options = new EventStoreOptions { Schema = schema };
        options.Events.RegisterAssembly(typeof(AuditTestArchive).Assembly);
        var store = new EventStore.EventStore(db.DataSource, options);
        await store.MigrateAsync();
        var stream = $"dossier-{Guid.NewGuid():N}";
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [new CliThingOpened("a"), new CliThingRenamed("b")]);

        using var own = pki is null ? NewOrganizationCertificate() : null;
        var cert = pki?.Organization ?? own!;
        X509Certificate2[] chain = pki is null ? [] : [pki.Intermediate, pki.Root];
        var sealer = new SealService(store, tsa is null
            ? new CmsSealSigner(cert, chain: chain)
            : new CmsSealSigner(cert, timestampAuthority: new Uri("http://127.0.0.1/tsa"), http: new HttpClient(tsa), chain: chain));
        await sealer.EnsureSchemaAsync();
        // One round may seal less while a transaction elsewhere in the shared cluster holds xmin back.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await sealer.SealOnceAsync() is var _ && await UnsealedAsync(db, schema) > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("could not seal the test archive");
            await Task.Delay(10);
        }

        var dir = Directory.CreateTempSubdirectory("archive-content-").FullName;
        var blobs = new List<string>();
        foreach (var text in new[] { "first document", "second document" })
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var path = Path.Combine(dir, hex[..2], hex[2..4], hex);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes);
            blobs.Add(path);
        }
        var certFile = Path.Combine(dir, "..", $"{Path.GetFileName(dir)}.cer");
        if (pki is null) await File.WriteAllBytesAsync(certFile, cert.Export(X509ContentType.Cert));
        else await File.WriteAllTextAsync(certFile, pki.Root.ExportCertificatePem() + "\n");
        return new AuditTestArchive { Schema = schema, Stream = stream, ContentDir = dir, CertificateFile = certFile, BlobPaths = blobs };
    }

    private static async Task<long> UnsealedAsync(AuditDatabase db, string schema)
    {
        await using var cmd = db.DataSource.CreateCommand(
            $"select count(*) from {schema}.events where position > (select coalesce(max(to_position), 0) from {schema}.audit_seals)");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        Directory.Delete(ContentDir, recursive: true);
        File.Delete(CertificateFile);
    }
}

using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Archive.EventStore.Integrity;
using Archive.EventStore.Integrity.Seals;
using Npgsql;

namespace Archive.Cli.Audit;

/// <summary>
/// <c>archive audit verify</c>: the auditor's tamper check. Read-only: the session runs with
/// default_transaction_read_only=on, so even a bug here cannot write to the archive.
/// </summary>
public static class AuditCommand
{
    public const int Intact = 0, Broken = 1, UsageError = 2;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new Option<string>("--connection") { Description = "Npgsql connection string of the archive database", Required = true };
        var schema = new Option<string>("--schema") { Description = "Event store schema", DefaultValueFactory = _ => "event_store" };
        var content = new Option<DirectoryInfo?>("--content") { Description = "Content-addressed blob folder (ab/cd/<sha256>) to fixity-check; blobs the database references must all be there" };
        var apiSchema = new Option<string>("--api-schema") { Description = "Schema of the API's tables (content references)", DefaultValueFactory = _ => "archive_api" };
        var json = new Option<bool>("--json") { Description = "Print a machine-readable report" };
        var trusted = new Option<FileInfo[]>("--trusted-cert")
        {
            Description = "Certificate (DER or PEM) a seal may be signed by, or a root CA its certificate chains to (such as " +
                          "signing/development/development-root.pem in the data folder); repeatable. Without it any embedded signer is accepted",
            AllowMultipleArgumentsPerToken = true,
        };

        var verify = new Command("verify", "Verify hash chains, signed seals and (with --content) blob fixity; exit 0 intact, 1 broken, 2 usage")
        {
            connection, schema, content, json, trusted, apiSchema,
        };
        verify.SetAction(async (pr, ct) => await VerifyAsync(pr.GetValue(connection)!, pr.GetValue(schema)!, pr.GetValue(apiSchema)!, pr.GetValue(content),
            pr.GetValue(json), pr.GetValue(trusted) ?? [], output, error, ct));
        return new Command("audit", "Auditor's checks on the archive") { verify };
    }

    private static async Task<int> VerifyAsync(string connectionString, string schema, string apiSchema, DirectoryInfo? content, bool asJson,
        FileInfo[] trustedFiles, TextWriter output, TextWriter error, CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder builder;
        X509Certificate2[] trusted;
        try
        {
            // Validates the schema name the same way the store does (it is spliced into SQL).
            schema = new Archive.EventStore.EventStoreOptions { Schema = schema }.Schema;
            apiSchema = new Archive.EventStore.EventStoreOptions { Schema = apiSchema }.Schema;
            builder = new NpgsqlConnectionStringBuilder(connectionString);
            builder.Options = $"{builder.Options} -c default_transaction_read_only=on".Trim();
            if (content is not null && !content.Exists) throw new ArgumentException($"content folder {content.FullName} does not exist");
            trusted = trustedFiles.Select(f => X509CertificateLoader.LoadCertificateFromFile(f.FullName)).ToArray();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or IOException
                                      or System.Security.Cryptography.CryptographicException)
        {
            await error.WriteLineAsync($"archive audit verify: {e.Message}");
            return UsageError;
        }

        var report = new AuditReport();
        IReadOnlyCollection<string>? referenced = null;
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
            if (content is not null) referenced = await ReferencedBlobsAsync(dataSource, apiSchema, ct);
            report.HashChain = (await new HashChainVerifier(dataSource, schema).VerifyAsync(ct)).ToList();
            var signer = new CmsSealSigner(null, trusted);
            report.SignerPinned = signer.SignerPinned;
            report.Seals = await new SealVerifier(dataSource, schema, signer).VerifyAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Not proven intact is not intact: an unreachable database fails the audit.
            report.Errors.Add($"database check could not run: {e.Message}");
        }
        if (content is not null)
        {
            try { report.Fixity = await ContentFixity.CheckAsync(content.FullName, referenced, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                report.Errors.Add($"content folder could not be read: {e.Message}");
            }
        }

        if (asJson) await output.WriteLineAsync(JsonSerializer.Serialize(report.ToJson(), JsonOptions));
        else await WriteHumanAsync(report, output);
        return report.Ok ? Intact : Broken;
    }

    /// <summary>Every blob the API's reference table names (what its fixity check re-hashes); empty when the table does not exist.</summary>
    private static async Task<IReadOnlyCollection<string>> ReferencedBlobsAsync(NpgsqlDataSource db, string apiSchema, CancellationToken ct)
    {
        await using var exists = db.CreateCommand("select to_regclass($1) is not null");
        exists.Parameters.AddWithValue($"{apiSchema}.content_refs");
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return [];
        await using var cmd = db.CreateCommand($"select distinct sha256 from {apiSchema}.content_refs");
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }

    private static async Task WriteHumanAsync(AuditReport r, TextWriter o)
    {
        foreach (var e in r.Errors) await o.WriteLineAsync($"ERROR {e}");
        if (r.HashChain is { } chain)
        {
            await o.WriteLineAsync($"hash chains: {(chain.Count == 0 ? "intact" : $"{chain.Count} break(s)")}");
            foreach (var b in chain) await o.WriteLineAsync($"  CHAIN stream {b.StreamId} version {b.Version}: {b.Reason}");
        }
        if (r.Seals is { } seals)
        {
            await o.WriteLineAsync($"seals: {seals.SealCount} seal(s) over {seals.SealedEventCount} event(s) through position " +
                $"{seals.SealedThroughPosition}; {seals.UnsealedEventCount} event(s) not yet sealed; " +
                (seals.Intact ? "intact" : $"{seals.Findings.Count} finding(s)"));
            if (!r.SignerPinned && seals.SealCount > 0)
                await o.WriteLineAsync("  note: no --trusted-cert given, so a seal re-signed with another key would pass");
            foreach (var f in seals.Findings) await o.WriteLineAsync($"  {f}");
        }
        if (r.Fixity is { } fixity)
        {
            await o.WriteLineAsync($"content: {fixity.FilesChecked} blob(s) checked; " +
                (fixity.Findings.Count == 0 ? "intact" : $"{fixity.Findings.Count} finding(s)"));
            foreach (var f in fixity.Findings) await o.WriteLineAsync($"  {f}");
        }
        await o.WriteLineAsync(r.Ok ? "RESULT intact" : "RESULT broken");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed class AuditReport
    {
        public List<string> Errors { get; } = [];
        public List<HashChainBreak>? HashChain { get; set; }
        public SealReport? Seals { get; set; }
        public bool SignerPinned { get; set; }
        public FixityReport? Fixity { get; set; }

        public bool Ok => Errors.Count == 0 && HashChain is { Count: 0 } && Seals is { Intact: true } && Fixity is null or { Findings.Count: 0 };

        public object ToJson() => new
        {
            Result = Ok ? "intact" : "broken",
            Errors,
            HashChain = HashChain?.Select(b => new { b.StreamId, b.Version, b.Reason }),
            Seals = Seals is null ? null : new
            {
                Seals.SealCount, Seals.SealedThroughPosition, Seals.SealedEventCount, Seals.UnsealedEventCount, SignerPinned,
                Findings = Seals.Findings.Select(f => new { f.Kind, f.SealNumber, f.StreamId, f.Version, f.Position, f.Detail }),
            },
            Content = Fixity is null ? null : new
            {
                Fixity.FilesChecked,
                Findings = Fixity.Findings.Select(f => new { f.Problem, f.Path, f.Detail }),
            },
        };
    }
}

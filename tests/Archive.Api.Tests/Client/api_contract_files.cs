using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Archive.Api.Tests.Support;

namespace Archive.Api.Tests.Client;

/// <summary>
/// The contract is checked in: <c>docs/openapi/v1.json</c> is the document the host serves, and <c>Client/Generated</c> is what
/// Kiota 1.38.0 (<c>.config/dotnet-tools.json</c>) generates from it, so a change of the API that is not carried into both
/// fails here. <c>scripts/update-api-contract.sh</c> (ARCHIVE_UPDATE_CONTRACT=1) rewrites both.
/// </summary>
public class api_contract_files(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static readonly string DocumentPath = Path.Combine(RepositoryRoot.Path, "docs", "openapi", "v1.json");
    public static readonly string ClientPath = Path.Combine(RepositoryRoot.Path, "tests", "Archive.Api.Tests", "Client", "Generated");
    private static bool Updating => Environment.GetEnvironmentVariable("ARCHIVE_UPDATE_CONTRACT") == "1";

    [Fact]
    public async Task the_checked_in_document_is_the_one_the_host_serves()
    {
        var served = JsonNode.Parse(await api.Anonymous().GetStringAsync("/openapi/v1.json"))!;
        if (Updating)
            await File.WriteAllTextAsync(DocumentPath, served.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }) + "\n");
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(DocumentPath))!;
        JsonNode.DeepEquals(served, checkedIn).ShouldBeTrue(
            "docs/openapi/v1.json differs from the served document: run scripts/update-api-contract.sh and commit the result");
    }

    [Fact]
    public async Task the_checked_in_client_is_what_kiota_generates_from_the_checked_in_document()
    {
        var output = Updating ? ClientPath : Path.Combine(Path.GetTempPath(), "archive-kiota-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = await KiotaAsync(output);
            run.ExitCode.ShouldBe(0, run.Output);
            var generated = Files(output);
            var checkedIn = Files(ClientPath);
            generated.Keys.Order().ShouldBe(checkedIn.Keys.Order());
            var differing = generated.Where(f => f.Value != checkedIn[f.Key]).Select(f => f.Key).ToList();
            differing.ShouldBeEmpty("the generated client differs: run scripts/update-api-contract.sh and commit the result");
        }
        finally { if (!Updating) Directory.Delete(output, recursive: true); }
    }

    /// <summary>The generated sources (the lock file names the output folder, so it is left out).</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText);

    private static async Task<(int ExitCode, string Output)> KiotaAsync(string output)
    {
        var psi = new ProcessStartInfo("dotnet", ["kiota", "generate", "-l", "CSharp", "-d", DocumentPath, "-c", "ArchiveClient",
            "-n", "Archive.Api.Client", "-o", output, "--exclude-backward-compatible", "--clean-output", "--log-level", "Warning"])
        {
            WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // No network at test time: no update check.
        psi.Environment["KIOTA_UPDATE_DISABLED"] = "true";
        psi.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(Path.Combine(output, ".kiota.log"));
        return (process.ExitCode, await stdout + await stderr);
    }
}

using Archive.Bench;
using Archive.Bench.Suites;

// Each suite: name → run against a database. Add new suites here.
var suites = new Dictionary<string, Func<BenchDatabase, Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["append"] = AppendSuite.RunAsync,
    ["search"] = SearchSuite.RunAsync,
    ["search-text"] = SearchTextSuite.RunAsync,
    ["search-catchup"] = SearchCatchUpSuite.RunAsync,
    ["projection-lag"] = ProjectionLagSuite.RunAsync,
    ["upload"] = UploadSuite.RunAsync,
    ["sign"] = SignSuite.RunAsync,
    ["verify"] = VerifySuite.RunAsync,
    ["disposition"] = DispositionSuite.RunAsync,
    ["audit"] = AuditSuite.RunAsync,
    ["shred"] = ShredSuite.RunAsync,
    ["web"] = WebSuite.RunAsync,
    ["digitize"] = DigitizeSuite.RunAsync,
    ["digitize-metadata"] = _ => MetadataPrecision.MeasureAsync(),
    ["fuzz"] = FuzzSuite.RunAsync,
};

if (args.Length != 1 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: Archive.Bench <suite>   suites: {string.Join(", ", suites.Keys)}");
    return 2;
}

await using var db = await BenchDatabase.StartAsync();
await suite(db);
return 0;

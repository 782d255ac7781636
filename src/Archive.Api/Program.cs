using Archive.Api.Features.AccessHistory;
using Archive.Api.Features.ApiKeys;
using Archive.Api.Features.Audit;
using Archive.Api.Features.Blobs;
using Archive.Api.Features.Health;
using Archive.Api.Features.Fonds;
using Archive.Api.Features.Digitization;
using Archive.Api.Features.Dossiers;
using Archive.Api.Features.Documents;
using Archive.Api.Features.CodeLists;
using Archive.Api.Features.SavedSearches;
using Archive.Api.Features.Search;
using Archive.Api.Features.Signatures;
using Archive.Api.Features.Verifications;
using Archive.Api.Features.Disposition;
using Archive.Api.Hosting;
using Archive.Api.Infrastructure.Access;
using Archive.Api.Infrastructure.Auth;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Infrastructure.Idempotency;
using Archive.Api.Infrastructure.Jobs;
using Archive.Api.Infrastructure.Json;
using Archive.Api.Infrastructure.Problems;
using Archive.Api.Infrastructure.Search;
using Archive.Api.Infrastructure.Signing;
using Archive.Api.Infrastructure.Shredding;
using Archive.Api.Web;

var builder = WebApplication.CreateBuilder(args);
var database = await ArchiveDatabase.ResolveAsync(builder.Configuration, builder.Environment);
builder.Services.AddArchiveDatabase(database);
builder.Services.AddArchiveJson();
builder.Services.AddArchiveProblems();
builder.Services.AddArchiveAuthorization();
builder.Services.AddArchiveOpenApi();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ApiKeyStore>();
builder.Services.AddSingleton<AccessLog>();
builder.Services.AddSingleton<SearchIndex>();
builder.Services.AddOptions<ContentStoreOptions>()
    .Bind(builder.Configuration.GetSection("Archive:Content"))
    .PostConfigure(o => { if (string.IsNullOrWhiteSpace(o.Root)) o.Root = Path.Combine(database.DataFolder, "content"); });
builder.Services.AddSingleton<IContentStore, FileSystemContentStore>();
builder.Services.AddSingleton<ContentReferences>();
builder.Services.AddSingleton<IBlobReferences>(sp => sp.GetRequiredService<ContentReferences>());
builder.Services.AddSingleton<ISweeper, ContentSweeper>();
builder.Services.AddHostedService<SweeperService>();
builder.Services.AddArchiveEventStore();
builder.Services.AddRecordShredding();
builder.Services.AddArchiveJobs(builder.Configuration);
builder.Services.AddDisposition();
builder.Services.AddArchiveAudit(builder.Configuration);
builder.Services.AddOrganizationSigning(builder.Configuration);
builder.Services.AddArchiveWeb(builder.Configuration);
builder.Services.AddDigitization(builder.Configuration);

var app = builder.Build();
if (args is ["codegen", ..]) { await JasperFx.CommandLineHostingExtensions.RunJasperFxCommands(app, args); return; } // Wolverine's code, written ahead of time
await ApiStartup.InitializeAsync(app.Services);

app.UseArchiveProblems();
app.UseArchiveSwaggerUi();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseInputGuard();
app.UseIdempotency();

app.MapArchiveOpenApi();
app.MapHealth();
app.MapApiKeys();
app.MapBlobs();
app.MapSearch();
app.MapSavedSearches();
app.MapAccessHistory();
app.MapFonds();
app.MapDossiers();
app.MapDocuments();
app.MapCodeLists();
app.MapVerifications();
app.MapDisposition();
app.MapAudit();
app.MapSignatures();
await app.MapArchiveWebAsync();
app.MapDigitization();
app.MapDigitizationAtScale();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

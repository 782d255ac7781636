using Archive.Api.Features.Health;
using Archive.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
var database = await ArchiveDatabase.ResolveAsync(builder.Configuration, builder.Environment);
builder.Services.AddArchiveDatabase(database);

var app = builder.Build();
app.MapHealth();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

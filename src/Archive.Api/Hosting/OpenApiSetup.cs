using Archive.Api.Hosting.OpenApi;

namespace Archive.Api.Hosting;

/// <summary>
/// OpenAPI at /openapi/v1.json (anonymous), filled by the transformers in Hosting/OpenApi from endpoint metadata;
/// Swagger UI at /swagger.
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddArchiveOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer<ArchiveDocumentTransformer>();
            o.AddOperationTransformer<ArchiveOperationTransformer>();
            o.AddSchemaTransformer<ArchiveSchemaTransformer>();
        });

    public static WebApplication MapArchiveOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Must run before authorization: the UI is middleware, not an endpoint, so the fallback
    /// policy would otherwise refuse it.
    /// </summary>
    public static WebApplication UseArchiveSwaggerUi(this WebApplication app)
    {
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.SwaggerEndpoint("/openapi/v1.json", "Archive API v1");
        });
        return app;
    }
}

using Archive.Api.Infrastructure.Auth;
using Microsoft.OpenApi;

namespace Archive.Api.Hosting;

/// <summary>OpenAPI at /openapi/v1.json (anonymous) with the X-Api-Key scheme; Swagger UI at /swagger.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddArchiveOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new OpenApiInfo { Title = "Archive API", Version = "v1", Description = "Lưu trữ hồ sơ điện tử / Electronic records archive" };
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[ApiKeyAuthentication.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "Khóa API / API key",
            };
            doc.Security ??= [];
            doc.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.Scheme, doc)] = [] });
            return Task.CompletedTask;
        }));

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

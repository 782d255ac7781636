using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Archive.Api.Hosting.OpenApi;

/// <summary>
/// Schemas say what the server does: a property is required when its C# type cannot be null or it carries
/// <see cref="RequiredAttribute"/>, and has no default value (requests keep their fields nullable so that every missing one is reported together,
/// and mark the truly required ones); numbers that may also be read from strings are documented as numbers.
/// </summary>
internal sealed class ArchiveSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            var required = new HashSet<string>();
            foreach (var p in context.JsonTypeInfo.Properties)
            {
                if (!schema.Properties.ContainsKey(p.Name)) continue;
                var marked = p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true;
                var optional = p.IsGetNullable || Nullable.GetUnderlyingType(p.PropertyType) is not null
                    || p.AssociatedParameter?.HasDefaultValue == true;
                if (marked || !optional) required.Add(p.Name);
            }
            schema.Required = required;
        }
        return Task.CompletedTask;
    }
}

using Microsoft.OpenApi;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>
/// Describes a request body in the OpenAPI document only. Not <c>Accepts&lt;T&gt;()</c>: that metadata also makes routing
/// answer 415 itself, before the endpoint, where the audit trail cannot see the refusal. The handlers check the
/// content type (<see cref="JsonBody"/>) and their 415 is audited like any other refusal.
/// </summary>
public static class OpenApiBodies
{
    public static TBuilder WithBody<TBuilder, TBody>(this TBuilder builder, bool optional, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, ct);
            var content = new Dictionary<string, OpenApiMediaType>();
            foreach (var type in contentTypes) content[type] = new OpenApiMediaType { Schema = schema };
            operation.RequestBody = new OpenApiRequestBody { Required = !optional, Content = content };
        });
}

using System.Net;
using System.Text.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Health_and_documentation(ApiHost api)
{
    [Fact]
    public async Task Liveness_answers_without_a_key()
    {
        var response = await api.Client(null).GetAsync("health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await response.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_checks_the_ledger_the_bus_and_zep_without_a_key()
    {
        var response = await api.Client(null).GetAsync("health/ready");

        var body = await response.JsonAsync();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["ledger"]);
        Assert.Equal("Healthy", checks["zep"]);
        Assert.Contains(checks, c => c.Key.Contains("masstransit", StringComparison.OrdinalIgnoreCase) && c.Value == "Healthy");
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        var doc = await (await api.Client(null).GetAsync("openapi/v1.json")).JsonAsync();
        var paths = doc.GetProperty("paths");

        Assert.Equal(["get", "post"], Methods(paths, "/api/v1/migrations"));
        Assert.Equal(["get"], Methods(paths, "/api/v1/migrations/{id}"));
        Assert.Equal(["get"], Methods(paths, "/api/v1/migrations/{id}/report"));
        Assert.Equal(["get"], Methods(paths, "/api/v1/migrations/{id}/users"));
        foreach (var action in new[] { "pause", "resume", "cancel", "retry", "revalidate" })
            Assert.Equal(["post"], Methods(paths, $"/api/v1/migrations/{{id}}/{action}"));
        Assert.Equal(["get"], Methods(paths, "/api/v1/audit"));
    }

    [Fact]
    public async Task The_interactive_docs_answer()
    {
        var response = await api.Client(null).GetAsync("docs");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", html);
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem()
    {
        var response = await api.Operator().GetAsync("api/v1/nothing-here");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private static string[] Methods(JsonElement paths, string path) =>
        paths.TryGetProperty(path, out var item) ? item.EnumerateObject().Select(p => p.Name).Order().ToArray() : [];
}

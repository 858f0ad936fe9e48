using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.MigrationPipeline.Ledger.Entities;

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
    public async Task Readiness_is_503_when_zep_cannot_be_reached()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var root = Directory.CreateDirectory(Path.Combine(api.Root, "no-zep-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var settings = ApiHost.Settings(root, api.Emulator);
        settings["Zep:BaseUrl"] = $"http://127.0.0.1:{closedPort}/api/v2/";
        await using var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };

            var response = await client.GetAsync("health/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var checks = body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
            Assert.Equal("Unhealthy", checks["zep"].GetProperty("status").GetString());
            Assert.Equal("Zep is not reachable", checks["zep"].GetProperty("description").GetString());
            Assert.Equal("Healthy", checks["ledger"].GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task The_openapi_document_declares_the_api_key()
    {
        var doc = await (await api.Client(null).GetAsync("openapi/v1.json")).JsonAsync();

        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var start = doc.GetProperty("paths").GetProperty("/api/v1/migrations").GetProperty("post");
        Assert.True(start.GetProperty("security")[0].TryGetProperty("ApiKey", out _));
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
    public async Task The_openapi_document_lists_run_and_user_statuses_by_their_snake_case_names()
    {
        var doc = await (await api.Client(null).GetAsync("openapi/v1.json")).JsonAsync();
        var schemas = doc.GetProperty("components").GetProperty("schemas");

        Assert.Equal(StatusNames.All<RunStatus>(), EnumOf(schemas, "RunStatus"));
        Assert.Equal(StatusNames.All<UserStatus>(), EnumOf(schemas, "UserStatus"));
        Assert.Contains("completed_with_errors", EnumOf(schemas, "RunStatus"));
        Assert.Contains("dry_run_completed", EnumOf(schemas, "RunStatus"));
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

    private static string[] EnumOf(JsonElement schemas, string name) =>
        schemas.GetProperty(name).GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToArray();

    private static string[] Methods(JsonElement paths, string path) =>
        paths.TryGetProperty(path, out var item) ? item.EnumerateObject().Select(p => p.Name).Order().ToArray() : [];
}

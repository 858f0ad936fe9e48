using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Authenticating_and_authorising(ApiHost api)
{
    private const string SomeRun = "0f8fad5b-d9cb-469f-a165-70867728950e";

    public static TheoryData<string, string> OperatorEndpoints() => new()
    {
        { "POST", "api/v1/migrations" },
        { "POST", $"api/v1/migrations/{SomeRun}/pause" },
        { "POST", $"api/v1/migrations/{SomeRun}/resume" },
        { "POST", $"api/v1/migrations/{SomeRun}/cancel" },
        { "POST", $"api/v1/migrations/{SomeRun}/retry" },
        { "POST", $"api/v1/migrations/{SomeRun}/revalidate" },
        { "GET", "api/v1/audit" },
    };

    public static TheoryData<string> ReadEndpoints() => new() { "api/v1/migrations", "api/v1/migrations/{run}", "api/v1/migrations/{run}/report",
        "api/v1/migrations/{run}/report?format=csv", "api/v1/migrations/{run}/users", "api/v1/migrations/{run}/users?status=verified" };

    [Theory]
    [MemberData(nameof(OperatorEndpoints))]
    public async Task Without_a_key_every_api_endpoint_is_401(string method, string path)
    {
        var response = await api.Client(null).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("wrong-key-0000000000000")]
    [InlineData("op-key-4f1c2b7e9a0d4c3")] // the operator key less its last character
    [InlineData("OP-KEY-4F1C2B7E9A0D4C3B")] // keys are case-sensitive
    public async Task A_wrong_key_is_401_for_reads_and_actions(string key)
    {
        await (await api.Client(key).GetAsync("api/v1/migrations")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.Client(key).PostAsync($"api/v1/migrations/{Guid.NewGuid()}/pause", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(OperatorEndpoints))]
    public async Task A_viewer_is_403_on_every_operator_endpoint_and_the_refusal_is_audited(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { path = "x.json" });

        var response = await api.Viewer().SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        if (path.StartsWith("api/v1/migrations", StringComparison.Ordinal))
        {
            var audit = await (await api.Operator().GetAsync("api/v1/audit?take=10000")).JsonAsync();
            var action = path.Split('/').Length > 3 ? "migration." + path.Split('/')[^1] : "migration.start";
            var runId = path.Split('/').Length > 3 ? path.Split('/')[3] : null;
            Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e =>
                e.GetProperty("actor").GetString() == ApiHost.ViewerName && e.GetProperty("role").GetString() == "viewer"
                && e.GetProperty("action").GetString() == action && e.GetProperty("outcome").GetInt32() == 403
                && (runId is null || e.GetProperty("runId").GetString() == runId));
        }
    }

    [Theory]
    [MemberData(nameof(ReadEndpoints))]
    public async Task A_viewer_may_read(string path)
    {
        var runId = await api.StartAsync(Exports.Platform(Exports.Prefix(), 1), ("dryRun", "true"));
        var response = await api.Viewer().GetAsync(path.Replace("{run}", runId.ToString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Keys_never_appear_in_logs_or_the_audit_trail()
    {
        await api.Client("wrong-key-0000000000000").GetAsync("api/v1/migrations");
        await api.Viewer().PostAsync($"api/v1/migrations/{Guid.NewGuid()}/pause", null);
        await api.StartAsync(Exports.Platform(Exports.Prefix(), 1), ("dryRun", "true"));

        var audit = await (await api.Operator().GetAsync("api/v1/audit?take=10000")).Content.ReadAsStringAsync();
        var logs = string.Join("\n", api.Logs.Lines);
        Assert.NotEmpty(api.Logs.Lines);
        foreach (var secret in new[] { ApiHost.OperatorKey, ApiHost.ViewerKey, "wrong-key-0000000000000" })
        {
            Assert.DoesNotContain(secret, audit);
            Assert.DoesNotContain(secret, logs);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Api.Tests;

/// <summary>What README's "Security" section promises, one test (or more) per promise.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class Security_guarantees(ApiHost api)
{
    [Fact]
    public async Task A_50_MB_json_body_is_413_with_a_problem_and_is_audited()
    {
        var runId = Guid.NewGuid();
        var huge = new byte[50 * 1024 * 1024];
        huge.AsSpan().Fill((byte)' ');
        "{\"path\":\"x.json\"}"u8.CopyTo(huge);

        foreach (var path in new[] { "api/v1/migrations", $"api/v1/migrations/{runId}/pause", $"api/v1/migrations/{runId}/repair" })
        {
            using var client = api.Operator();
            client.DefaultRequestHeaders.ExpectContinue = true; // as curl sends a large body: the answer comes before it
            var content = new ByteArrayContent(huge);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            var response = await client.PostAsync(path, content);

            await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }
        var entries = await AuditAsync();
        Assert.Contains(entries, e => Is(e, "migration.start", 413, null));
        Assert.Contains(entries, e => Is(e, "migration.pause", 413, runId));
        Assert.Contains(entries, e => Is(e, "migration.repair", 413, runId));
        Assert.DoesNotContain(api.Logs.Lines, l => l.Contains("BadHttpRequestException", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_400_and_a_wrong_content_type_415_are_audited_with_the_key_name()
    {
        var runId = Guid.NewGuid();
        var malformed = await api.Operator().PostAsync($"api/v1/migrations/{runId}/pause", new StringContent("{\"reason\": ", Encoding.UTF8, "application/json"));
        var wrongType = await api.Operator().PostAsync($"api/v1/migrations/{runId}/cancel", new StringContent("reason=x", Encoding.UTF8, "text/plain"));
        var wrongTypeRepair = await api.Operator().PostAsync($"api/v1/migrations/{runId}/repair", new StringContent("<dryRun/>", Encoding.UTF8, "application/xml"));
        var wrongTypeStart = await api.Operator().PostAsync("api/v1/migrations", new StringContent("path=x.json", Encoding.UTF8, "text/plain"));

        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        await wrongType.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await wrongTypeRepair.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await wrongTypeStart.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        var entries = await AuditAsync();
        Assert.Contains(entries, e => Is(e, "migration.pause", 400, runId));
        Assert.True(entries.Any(e => Is(e, "migration.cancel", 415, runId)), string.Join("\n", entries.Select(e => e.GetRawText())));
        Assert.Contains(entries, e => Is(e, "migration.repair", 415, runId));
        Assert.Contains(entries, e => Is(e, "migration.start", 415, null));
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_no_server_header()
    {
        var answers = new[]
        {
            await api.Operator().GetAsync("api/v1/migrations"),
            await api.Client(null).GetAsync("api/v1/migrations"),                    // 401 problem
            await api.Operator().GetAsync($"api/v1/migrations/{Guid.NewGuid()}"),    // 404 problem
            await api.Client(null).GetAsync("health/live"),
        };
        foreach (var response in answers)
        {
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("default-src 'none'", csp);
            Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(",", response.Headers.Server)}");
        }
    }

    [Fact]
    public async Task The_docs_load_under_their_content_security_policy()
    {
        var page = await api.Client(null).GetAsync("docs");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);

        // Every script the page loads comes from this origin (no CDN: the policy would block it) and answers.
        var sources = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        foreach (var src in sources)
        {
            var url = new Uri(new Uri(api.BaseAddress, "docs/"), src);
            Assert.True(url.Authority == api.BaseAddress.Authority, $"script from another origin: {src}");
            var script = await api.Client(null).GetAsync(url);
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{src}: {(int)script.StatusCode}");
            Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType ?? "");
            Assert.True(script.Headers.Contains("Content-Security-Policy"));
        }
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']https?://", html);
        Assert.Equal(HttpStatusCode.OK, (await api.Client(null).GetAsync("openapi/v1.json")).StatusCode); // what the page fetches
    }

    [Fact]
    public async Task A_flood_of_401s_from_one_address_is_429_with_retry_after_and_refused_keys_are_one_debug_line_each()
    {
        var logs = new CapturedLogs();
        var root = Directory.CreateDirectory(Path.Combine(api.Root, "flood-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var settings = ApiHost.Settings(root, api.Emulator);
        settings["Api:AuthFailures:PermitLimit"] = "3";
        settings["Api:AuthFailures:WindowSeconds"] = "600";
        settings["Logging:LogLevel:Default"] = "Debug";
        await using var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings, b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        try
        {
            using var anonymous = Client(app, null);
            using var wrong = Client(app, "wrong-key-0000000000000");
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 3; i++)
            {
                var response = await (i % 2 == 0 ? anonymous : wrong).GetAsync("api/v1/migrations");
                await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            }
            var limited = await wrong.PostAsync($"api/v1/migrations/{Guid.NewGuid()}/pause", null);
            var body = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.True(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After"))) is > 0 and <= 600);
            Assert.Contains("Retry-After", body.GetProperty("detail").GetString());
            await (await anonymous.GetAsync("api/v1/migrations")).AssertProblemAsync(HttpStatusCode.TooManyRequests);

            // A valid key is never limited; the open routes neither.
            using var op = Client(app, ApiHost.OperatorKey);
            Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("api/v1/migrations")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/live")).StatusCode);

            var lines = logs.Lines.ToList();
            Assert.Equal(3, lines.Count(l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains("Refused a request without a valid API key", StringComparison.Ordinal)));
            Assert.DoesNotContain(lines, l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)
                && (l.Contains("Authoriz", StringComparison.Ordinal) || l.Contains("Authentication", StringComparison.Ordinal) || l.Contains("ApiKey", StringComparison.Ordinal)));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task No_host_calls_anyone_but_its_zep_masstransit_usage_telemetry_is_off()
    {
        // The worker and the CLI register the pipeline through the same AddMigrationPipeline as the API.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ApiHost.Settings(api.Root, api.Emulator)).Build();
        using (var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddMigrationPipeline(configuration).BuildServiceProvider())
            Assert.False(services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
        Assert.False(api.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);

        // Start and stop an API host that would report its usage at shutdown, watching every outbound HTTP request.
        var requests = new ConcurrentQueue<Uri>();
        using var watch = DiagnosticListener.AllListeners.Subscribe(new HttpRequests(requests));
        var root = Directory.CreateDirectory(Path.Combine(api.Root, "outbound-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], ApiHost.Settings(root, api.Emulator),
            b => b.Services.Configure<UsageTelemetryOptions>(o => o.ReportOnShutdown = true));
        await app.StartAsync();
        using (var client = Client(app, null)) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);
        await Task.Delay(500);
        await app.StopAsync();
        await app.DisposeAsync();

        var zep = api.Emulator.ApiBaseUrl;
        Assert.Contains(requests, u => u.Authority == zep.Authority);                       // the watch works: Zep was asked
        Assert.DoesNotContain(requests, u => u.Host.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
        Assert.All(requests, u => Assert.True(u.IsLoopback, $"outbound call to {u.Host}"));
    }

    [Fact]
    public async Task Operator_reasons_lose_control_characters_and_e_mail_addresses_and_are_capped()
    {
        var runId = await api.StartAsync(Exports.Platform(Exports.Prefix(), 25), ("maxUsersInFlight", "1"));
        const string typed = "maintenance\r\nwindow\t\u001b[31mred\u001b[0m ask jane.doe@clinic.example\u0007 \u202Eevil\u0000";

        await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/pause", new { reason = typed })).AssertAcceptedAsync();

        const string stored = "maintenance window red ask [e-mail] evil";
        Assert.Equal(stored, (await api.GetRunAsync(runId)).GetProperty("statusReason").GetString());
        var entries = await AuditAsync();
        var pause = Assert.Single(entries, e => Is(e, "migration.pause", 202, runId));
        Assert.Contains($"reason: {stored}", pause.GetProperty("detail").GetString());
        Assert.DoesNotContain("jane.doe", string.Join(" ", entries.Select(e => e.GetRawText())));

        // The CLI's --reason goes through the same RunHalts: capped at OperatorText.MaxLength.
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var halts = scope.ServiceProvider.GetRequiredService<RunHalts>();
            var result = await halts.CancelAsync(runId, new string('x', 5000) + "\n", CancellationToken.None);
            Assert.Equal(ControlOutcome.Done, result.Outcome);
        }
        var reason = (await api.GetRunAsync(runId)).GetProperty("statusReason").GetString()!;
        Assert.Equal(OperatorText.MaxLength, reason.Length);
        Assert.Equal(500, OperatorText.MaxLength);
    }

    [Theory]
    [InlineData("status=staged,verified")]
    [InlineData("status=staged&status=verified")]
    [InlineData("status=staged%2Cverified")]
    [InlineData("status=1")]
    [InlineData("status=staged%20")]
    public async Task A_status_filter_is_one_known_status_or_400(string query)
    {
        var runId = await api.StartAsync(Exports.Platform(Exports.Prefix(), 1), ("dryRun", "true"));
        var response = await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users?status=staged")).StatusCode);
    }

    private async Task<List<JsonElement>> AuditAsync() =>
        (await (await api.Operator().GetAsync("api/v1/audit?take=1000")).JsonAsync()).GetProperty("entries").EnumerateArray().ToList();

    private static bool Is(JsonElement e, string action, int outcome, Guid? runId) =>
        e.GetProperty("action").GetString() == action && e.GetProperty("outcome").GetInt32() == outcome
        && e.GetProperty("actor").GetString() == ApiHost.OperatorName && e.GetProperty("role").GetString() == "operator"
        && (runId is null || e.GetProperty("runId").GetString() == runId.ToString());

    private static HttpClient Client(WebApplication app, string? key)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    [GeneratedRegex("""<script[^>]*\ssrc\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();

    /// <summary>Every request an HttpClient in this process sends (System.Net.Http's diagnostic events).</summary>
    private sealed class HttpRequests(ConcurrentQueue<Uri> requests) : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "HttpHandlerDiagnosticListener") listener.Subscribe(this);
        }

        public void OnNext(KeyValuePair<string, object?> e)
        {
            if (e.Key is "System.Net.Http.Request" or "System.Net.Http.HttpRequestOut.Start"
                && e.Value?.GetType().GetProperty("Request")?.GetValue(e.Value) is HttpRequestMessage { RequestUri: { } uri })
                requests.Enqueue(uri);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}

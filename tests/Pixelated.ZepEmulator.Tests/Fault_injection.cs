using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.ZepEmulator.Hosting;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Fault_injection
{
    private static long Faults(TestEmulator emulator, string kind) => emulator.Store.GetStats().Faults[kind];

    [Fact]
    public async Task With_error_before_write_at_rate_1_a_write_answers_500_and_stores_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Faults.ErrorBeforeWriteRate = 1.0);

        var response = await emulator.PostAsync("users", new { user_id = "alice" });

        response.AssertZepError(HttpStatusCode.InternalServerError, "internal server error");
        Assert.False(emulator.Store.UserExists("alice"));
        Assert.Equal(1, Faults(emulator, EmulatorFaultKinds.ErrorBeforeWrite));
    }

    [Fact]
    public async Task With_error_after_write_at_rate_1_a_write_answers_500_but_the_data_is_stored()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        emulator.Host.Faults.ErrorAfterWriteRate = 1.0;

        var response = await emulator.AddMessagesAsync("t1", new { role = "user", content = "hello" });

        response.AssertZepError(HttpStatusCode.InternalServerError, "internal server error");
        Assert.DoesNotContain("message_uuids", response.Text);
        Assert.Equal("hello", Assert.Single(emulator.Store.GetMessages("t1")).Content);
        Assert.Equal(1, Faults(emulator, EmulatorFaultKinds.ErrorAfterWrite));
    }

    [Fact]
    public async Task With_timeout_after_write_at_rate_1_a_client_with_a_1_second_timeout_times_out_and_the_data_is_stored()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Faults.TimeoutAfterWriteRate = 1.0);
        using var impatient = new HttpClient { BaseAddress = emulator.Host.ApiBaseUrl, Timeout = TimeSpan.FromSeconds(1) };
        impatient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", TestEmulator.Key);

        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => emulator.SendAsync(HttpMethod.Post, "users", new { user_id = "alice" }, impatient));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.True(emulator.Store.UserExists("alice"));
        Assert.Equal(1, Faults(emulator, EmulatorFaultKinds.TimeoutAfterWrite));
        await WaitUntilAsync(() => emulator.Store.GetStats().Requests.GetValueOrDefault("499") == 1);
    }

    [Fact]
    public async Task A_held_request_is_answered_504_when_the_safety_cap_passes_first()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.Faults.TimeoutAfterWriteRate = 1.0;
            o.Faults.TimeoutHoldSeconds = 1;
        });

        var response = await emulator.PostAsync("users", new { user_id = "alice" });

        response.AssertZepError(HttpStatusCode.GatewayTimeout, "gateway timeout");
        Assert.True(emulator.Store.UserExists("alice"));
    }

    [Fact]
    public async Task Stopping_the_emulator_releases_a_held_request_at_once()
    {
        var host = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "k", Faults = { TimeoutAfterWriteRate = 1.0 } });
        using var client = new HttpClient { BaseAddress = host.ApiBaseUrl, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Api-Key k");
        var held = client.PostAsync("users", new StringContent("""{"user_id":"alice"}""", System.Text.Encoding.UTF8, "application/json"));
        await WaitUntilAsync(() => host.Store.UserExists("alice"));

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.DisposeAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"shutdown took {stopping.Elapsed}");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => held);
    }

    [Fact]
    public async Task With_too_many_requests_at_rate_1_a_write_answers_429_with_retry_after_and_stores_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.Faults.TooManyRequestsRate = 1.0;
            o.Faults.TooManyRequestsRetryAfterSeconds = 7;
        });

        var response = await emulator.PostAsync("users", new { user_id = "alice" });

        response.AssertZepError(HttpStatusCode.TooManyRequests, "rate limit exceeded");
        Assert.Equal("7", response.Header("Retry-After"));
        Assert.NotNull(response.Header("X-RateLimit-Limit"));
        Assert.False(emulator.Store.UserExists("alice"));
        Assert.Equal(1, Faults(emulator, EmulatorFaultKinds.TooManyRequests));
    }

    [Fact]
    public async Task The_default_retry_after_of_an_injected_429_is_1_second()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Faults.TooManyRequestsRate = 1.0);

        var response = await emulator.PostAsync("users", new { user_id = "alice" });

        Assert.Equal("1", response.Header("Retry-After"));
    }

    [Fact]
    public async Task With_every_rate_at_0_writes_behave_normally_and_no_fault_is_counted()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.Faults.ErrorBeforeWriteRate = 0;
            o.Faults.ErrorAfterWriteRate = 0;
            o.Faults.TimeoutAfterWriteRate = 0;
            o.Faults.TooManyRequestsRate = 0;
            o.Faults.Seed = 1;
        });

        await emulator.CreateThreadAsync("alice", "t1");
        var added = await emulator.AddMessagesAsync("t1", new { role = "user", content = "hello" });
        var graph = await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = "x" });
        var deleted = await emulator.DeleteAsync("threads/t1");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.OK), (added.Status, graph.Status, deleted.Status));
        Assert.All(emulator.Store.GetStats().Faults.Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task Reads_are_never_faulted_even_at_rate_1_for_every_kind()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = "x" });
        emulator.Host.SetFaults(new EmulatorFaultOptions
        {
            ErrorBeforeWriteRate = 1, ErrorAfterWriteRate = 1, TimeoutAfterWriteRate = 1, TooManyRequestsRate = 1,
        });

        var reads = new[]
        {
            await emulator.GetAsync("users/alice"),
            await emulator.GetAsync("users-ordered"),
            await emulator.GetAsync("threads"),
            await emulator.GetAsync("users/alice/threads"),
            await emulator.GetAsync("threads/t1/messages"),
            await emulator.GetAsync("graph/episodes/user/alice?lastn=5"),
            await emulator.PostAsync("graph/episodes/user/alice", new { limit = 10 }),
            await emulator.GetAsync("batches"),
        };

        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(emulator.Store.GetStats().Faults.Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task Unknown_routes_are_not_faulted()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Faults.ErrorBeforeWriteRate = 1);

        var response = await emulator.PostAsync("no-such-route", new { });

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task A_write_the_endpoint_refuses_keeps_its_own_answer_under_after_write_faults()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Faults.ErrorAfterWriteRate = 1);

        var response = await emulator.PostAsync("threads", new { thread_id = "t1", user_id = "ghost" });

        response.AssertZepError(HttpStatusCode.BadRequest, "bad request: user does not exist with user_id: ghost");
        Assert.Equal(0, Faults(emulator, EmulatorFaultKinds.ErrorAfterWrite));
    }

    [Fact]
    public async Task Faults_change_at_runtime_through_the_host()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var before = await emulator.PostAsync("users", new { user_id = "a" });
        emulator.Host.Faults.TooManyRequestsRate = 1;
        var during = await emulator.PostAsync("users", new { user_id = "b" });
        emulator.Host.SetFaults(new EmulatorFaultOptions());
        var after = await emulator.PostAsync("users", new { user_id = "c" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.Created), (before.Status, during.Status, after.Status));
        Assert.Same(emulator.Host.Options.Faults, emulator.Host.Faults);
    }

    [Fact]
    public async Task The_host_refuses_out_of_range_fault_settings_at_runtime()
    {
        await using var emulator = await TestEmulator.StartAsync();

        Assert.Throws<ArgumentException>(() => emulator.Host.SetFaults(new EmulatorFaultOptions { ErrorAfterWriteRate = 1.5 }));
        Assert.Equal(0, emulator.Host.Faults.ErrorAfterWriteRate);
    }

    [Fact]
    public async Task Faults_change_at_runtime_through_put_emulator_faults()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var put = await emulator.SendAsync(HttpMethod.Put, "/_emulator/faults", new { error_before_write_rate = 1.0, too_many_requests_retry_after_seconds = 3 }, emulator.Raw);
        var faulted = await emulator.PostAsync("users", new { user_id = "alice" });
        var cleared = await emulator.SendAsync(HttpMethod.Put, "/_emulator/faults", new { }, emulator.Raw);
        var normal = await emulator.PostAsync("users", new { user_id = "alice" });
        var current = await emulator.SendAsync(HttpMethod.Get, "/_emulator/faults", null, emulator.Raw);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(1.0, put.Json.GetProperty("error_before_write_rate").GetDouble());
        Assert.Equal(3, put.Json.GetProperty("too_many_requests_retry_after_seconds").GetInt32());
        Assert.Equal(HttpStatusCode.InternalServerError, faulted.Status);
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Equal(HttpStatusCode.Created, normal.Status);
        Assert.Equal(0, current.Json.GetProperty("error_before_write_rate").GetDouble());
        Assert.Equal(120, current.Json.GetProperty("timeout_hold_seconds").GetInt32());
        Assert.Equal(0, emulator.Host.Faults.ErrorBeforeWriteRate);
    }

    [Fact]
    public async Task Put_emulator_faults_with_an_out_of_range_rate_answers_400_and_keeps_the_settings()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Faults.TooManyRequestsRate = 0.25);

        var response = await emulator.SendAsync(HttpMethod.Put, "/_emulator/faults", new { error_before_write_rate = 2.0 }, emulator.Raw);

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.Contains("ErrorBeforeWriteRate", response.Message);
        Assert.Equal(0.25, emulator.Host.Faults.TooManyRequestsRate);
    }

    [Theory]
    [InlineData(nameof(EmulatorFaultOptions.ErrorBeforeWriteRate), -0.1)]
    [InlineData(nameof(EmulatorFaultOptions.ErrorAfterWriteRate), 1.5)]
    [InlineData(nameof(EmulatorFaultOptions.TimeoutAfterWriteRate), double.NaN)]
    [InlineData(nameof(EmulatorFaultOptions.TooManyRequestsRate), 2)]
    [InlineData(nameof(EmulatorFaultOptions.TooManyRequestsRetryAfterSeconds), -1)]
    [InlineData(nameof(EmulatorFaultOptions.TimeoutHoldSeconds), 0)]
    public async Task Out_of_range_fault_settings_fail_start(string setting, double value)
    {
        var options = new EmulatorOptions { ApiKey = "k" };
        var property = typeof(EmulatorFaultOptions).GetProperty(setting)!;
        property.SetValue(options.Faults, property.PropertyType == typeof(int) ? (object)(int)value : value);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ZepEmulatorHost.StartAsync(options));

        Assert.Contains($"Emulator:Faults:{setting}", error.Message);
    }

    [Fact]
    public async Task Fault_settings_come_from_the_emulator_faults_configuration_section_and_are_validated_at_start()
    {
        var good = await StartStandaloneAsync(new Dictionary<string, string?>
        {
            ["Emulator:ApiKey"] = "k",
            ["Emulator:Faults:TooManyRequestsRate"] = "1",
            ["Emulator:Faults:TooManyRequestsRetryAfterSeconds"] = "4",
        });
        await using (good)
        {
            var address = good.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/api/v2/") };
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Api-Key k");

            using var response = await client.PostAsync("users", new StringContent("""{"user_id":"alice"}""", System.Text.Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("4", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal(1.0, good.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value.Faults.TooManyRequestsRate);
        }

        await Assert.ThrowsAsync<OptionsValidationException>(() => StartStandaloneAsync(new Dictionary<string, string?>
        {
            ["Emulator:ApiKey"] = "k",
            ["Emulator:Faults:ErrorAfterWriteRate"] = "1.01",
        }));
    }

    [Fact]
    public async Task A_seed_makes_the_fault_sequence_reproducible()
    {
        async Task<HttpStatusCode[]> RunAsync()
        {
            await using var emulator = await TestEmulator.StartAsync(o =>
            {
                o.Faults.ErrorBeforeWriteRate = 0.5;
                o.Faults.Seed = 42;
            });
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                statuses.Add((await emulator.PostAsync("users", new { user_id = $"u{i}" })).Status);
            }

            return [.. statuses];
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(HttpStatusCode.InternalServerError, first);
        Assert.Contains(HttpStatusCode.Created, first);
    }

    [Fact]
    public async Task Stats_count_injected_faults_by_kind()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Faults.ErrorBeforeWriteRate = 1;
        await emulator.PostAsync("users", new { user_id = "a" });
        await emulator.PostAsync("users", new { user_id = "b" });
        emulator.Host.SetFaults(new EmulatorFaultOptions { TooManyRequestsRate = 1 });
        await emulator.PostAsync("users", new { user_id = "c" });
        emulator.Host.SetFaults(new EmulatorFaultOptions { ErrorAfterWriteRate = 1 });
        await emulator.PostAsync("users", new { user_id = "d" });

        var stats = await emulator.SendAsync(HttpMethod.Get, "_emulator/stats", null, emulator.Raw);

        Assert.Equal(
            new Dictionary<string, int> { ["error_before_write"] = 2, ["error_after_write"] = 1, ["timeout_after_write"] = 0, ["too_many_requests"] = 1 },
            stats.Json.GetProperty("faults").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));
        Assert.Equal(1, stats.Json.GetProperty("users").GetInt32());
        Assert.Equal(3, stats.Json.GetProperty("requests").GetProperty("500").GetInt32());

        await emulator.SendAsync(HttpMethod.Post, "_emulator/reset", null, emulator.Raw);
        Assert.All(emulator.Store.GetStats().Faults.Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task Batch_write_calls_are_faulted_too()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        emulator.Host.Faults.ErrorBeforeWriteRate = 1;
        var create = await emulator.PostAsync("batches", new { });
        emulator.Host.Faults.ErrorBeforeWriteRate = 0;
        Assert.Equal(HttpStatusCode.InternalServerError, create.Status);
        Assert.Empty(emulator.Store.GetBatches());

        var batchId = (await emulator.PostAsync("batches", new { })).Json.GetProperty("batch_id").GetString()!;
        emulator.Host.Faults.ErrorAfterWriteRate = 1;
        var add = await emulator.PostAsync($"batches/{batchId}/items", new { items = new[] { new { type = "graph_episode", user_id = "alice", data = "x", data_type = "text" } } });
        var process = await emulator.PostAsync($"batches/{batchId}/process", new { });
        emulator.Host.Faults.ErrorAfterWriteRate = 0;
        var retry = await emulator.PostAsync($"batches/{batchId}/process", new { });

        Assert.Equal((HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError), (add.Status, process.Status));
        Assert.Equal(HttpStatusCode.Conflict, retry.Status);
        await WaitUntilAsync(() => emulator.Store.GetBatch(batchId)!.Status == BatchStatuses.Succeeded);
        Assert.Single(emulator.Store.GetEpisodes("alice"));
    }

    private static async Task<WebApplication> StartStandaloneAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddZepEmulator();
        var app = builder.Build();
        app.UseZepEmulator();
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

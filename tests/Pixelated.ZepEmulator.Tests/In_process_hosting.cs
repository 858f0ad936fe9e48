using Microsoft.Extensions.Options;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class In_process_hosting
{
    [Fact]
    public async Task The_host_listens_on_loopback_and_exposes_the_api_base_url()
    {
        await using var emulator = await TestEmulator.StartAsync();

        Assert.Equal("127.0.0.1", emulator.Host.BaseAddress.Host);
        Assert.NotEqual(0, emulator.Host.BaseAddress.Port);
        Assert.Equal(new Uri(emulator.Host.BaseAddress, "api/v2/"), emulator.Host.ApiBaseUrl);
        Assert.EndsWith("/api/v2/", emulator.Host.ApiBaseUrl.AbsoluteUri);
    }

    [Fact]
    public async Task Two_hosts_run_side_by_side_with_separate_data()
    {
        await using var first = await TestEmulator.StartAsync();
        await using var second = await TestEmulator.StartAsync();

        await first.CreateUserAsync("alice");

        Assert.NotEqual(first.Host.BaseAddress, second.Host.BaseAddress);
        Assert.True(first.Store.UserExists("alice"));
        Assert.False(second.Store.UserExists("alice"));
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("   ", 0, 0)]
    [InlineData("key", -1, 0)]
    [InlineData("key", 0, -1)]
    public async Task Invalid_options_are_refused_at_start(string apiKey, int requestsPerMinute, int latencyMs)
    {
        var options = new EmulatorOptions { ApiKey = apiKey, RequestsPerMinute = requestsPerMinute, LatencyMs = latencyMs };

        await Assert.ThrowsAsync<OptionsValidationException>(() => ZepEmulatorHost.StartAsync(options));
    }

    [Fact]
    public async Task Latency_setting_still_serves_requests()
    {
        await using var host = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "k", LatencyMs = 5 });
        using var client = new HttpClient { BaseAddress = host.ApiBaseUrl };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Api-Key k");

        var response = await client.GetAsync("users-ordered");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Pixelated.ZepEmulator.Tests.Infrastructure;

/// <summary>An emulator on a free loopback port plus an HttpClient that speaks to it with the right key.</summary>
internal sealed class TestEmulator : IAsyncDisposable
{
    public const string Key = "test-key";

    private TestEmulator(ZepEmulatorHost host)
    {
        Host = host;
        Client = new HttpClient { BaseAddress = host.ApiBaseUrl };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", Key);
        Raw = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public ZepEmulatorHost Host { get; }

    public EmulatorStore Store => Host.Store;

    /// <summary>Authenticated client based at .../api/v2/.</summary>
    public HttpClient Client { get; }

    /// <summary>Client without credentials, based at the server root.</summary>
    public HttpClient Raw { get; }

    public static async Task<TestEmulator> StartAsync(int requestsPerMinute = 0, TimeProvider? clock = null) =>
        new(await ZepEmulatorHost.StartAsync(
            new EmulatorOptions { ApiKey = Key, RequestsPerMinute = requestsPerMinute },
            clock ?? TimeProvider.System));

    /// <summary>Starts with the test key and whatever else <paramref name="configure"/> sets (faults, batch settings...).</summary>
    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions> configure, TimeProvider? clock = null)
    {
        var options = new EmulatorOptions { ApiKey = Key };
        configure(options);
        return new(await ZepEmulatorHost.StartAsync(options, clock ?? TimeProvider.System));
    }

    public Task<ZepResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ZepResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public Task<ZepResponse> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<ZepResponse> PatchAsync(string path, object body) => SendAsync(HttpMethod.Patch, path, body);

    public async Task<ZepResponse> SendAsync(HttpMethod method, string path, object? body, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var text = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        var response = await (client ?? Client).SendAsync(request);
        return new ZepResponse(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    public async Task CreateUserAsync(string userId)
    {
        var response = await PostAsync("users", new { user_id = userId });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.Status);
    }

    public async Task CreateThreadAsync(string userId, string threadId, bool createUser = true)
    {
        if (createUser)
        {
            await CreateUserAsync(userId);
        }

        var response = await PostAsync("threads", new { thread_id = threadId, user_id = userId });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.Status);
    }

    public Task<ZepResponse> AddMessagesAsync(string threadId, params object[] messages) =>
        PostAsync($"threads/{threadId}/messages", new { messages });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Raw.Dispose();
        await Host.DisposeAsync();
    }
}

using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// Waiting for a Zep batch (<see cref="ZepBatches"/>) runs on the registered <see cref="TimeProvider"/>: a fake clock drives
/// the back-off and the timeout, so these tests never sleep. Zep's answers come from a stub under the real client.
/// </summary>
public sealed class ZepBatchesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly List<(string Method, string Path, TimeSpan At)> _calls = [];

    [Fact]
    public async Task A_batch_still_processing_is_polled_with_back_off_until_the_timeout_then_the_wait_gives_up()
    {
        var batches = Batches(_ => Status("processing"), timeoutSeconds: 10);

        var wait = batches.UntilTerminalAsync("b1", CancellationToken.None);
        while (!wait.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Yield();
            await Task.Delay(1);
        }

        var e = await Assert.ThrowsAsync<TimeoutException>(() => wait);
        Assert.Contains("still processing after 10 s", e.Message);
        var gaps = _calls.Zip(_calls.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(100), _calls[0].At); // the first poll after 100 ms
        Assert.All(gaps.Zip(gaps.Skip(1)), g => Assert.True(g.Second >= g.First, "the gaps between polls never shrink"));
        Assert.InRange(gaps[^1], TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5.1)); // doubling, capped at 5 s
    }

    [Fact]
    public async Task A_draft_left_behind_was_never_processed_and_is_deleted()
    {
        var batches = Batches(r => r.Method == HttpMethod.Delete ? Json("""{"message":"deleted"}""") : Status("draft"));

        Assert.True(await batches.NeverProcessedAsync("b1", CancellationToken.None));
        Assert.Contains(_calls, c => c.Method == "DELETE");
    }

    [Fact]
    public async Task A_finished_batch_was_processed_and_nothing_is_deleted()
    {
        var batches = Batches(_ => Status("succeeded"));

        Assert.False(await batches.NeverProcessedAsync("b1", CancellationToken.None));
        Assert.DoesNotContain(_calls, c => c.Method == "DELETE");
    }

    [Fact]
    public async Task Deleting_a_draft_when_zep_cannot_be_reached_is_ignored()
    {
        var batches = Batches(_ => throw new HttpRequestException("refused", null, HttpStatusCode.ServiceUnavailable));

        await batches.TryDeleteDraftAsync("b1", CancellationToken.None);
    }

    private static HttpResponseMessage Status(string status) =>
        Json($$"""{"batch_id":"b1","status":"{{status}}","item_count":3}""");

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private ZepBatches Batches(Func<HttpRequestMessage, HttpResponseMessage> answer, int timeoutSeconds = 600)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zep:BaseUrl"] = "http://zep.test/api/v2",
            ["Zep:ApiKey"] = "test-key",
            ["Zep:MaxRetries"] = "0",
            ["Zep:BatchPollTimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock).AddZepClient(configuration);
        services.AddHttpClient<ZepClient>().ConfigurePrimaryHttpMessageHandler(() => new StubHandler(request =>
        {
            _calls.Add((request.Method.Method, request.RequestUri!.AbsolutePath, _clock.GetUtcNow() - _clock.Start));
            return answer(request);
        }));
        return services.BuildServiceProvider().GetRequiredService<ZepBatches>();
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}

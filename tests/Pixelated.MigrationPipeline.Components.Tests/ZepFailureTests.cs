using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// Every kind of <see cref="ZepOutcomeKind"/> from what a real <see cref="ZepClient"/>, registered with its resilience
/// pipeline (<see cref="ZepServiceCollectionExtensions.AddZepClient"/>), throws: Zep's answers come from a stub handler
/// under the pipeline; the transport failures are real sockets.
/// </summary>
public sealed class ZepFailureTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, ZepOutcomeKind.Rejected)]
    [InlineData(HttpStatusCode.Conflict, ZepOutcomeKind.Rejected)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, ZepOutcomeKind.Rejected)]
    [InlineData(HttpStatusCode.UnprocessableEntity, ZepOutcomeKind.Rejected)]
    [InlineData(HttpStatusCode.NotFound, ZepOutcomeKind.NotFound)]
    [InlineData(HttpStatusCode.TooManyRequests, ZepOutcomeKind.RateLimited)]
    [InlineData(HttpStatusCode.Unauthorized, ZepOutcomeKind.AccessDenied)]
    [InlineData(HttpStatusCode.Forbidden, ZepOutcomeKind.AccessDenied)]
    [InlineData(HttpStatusCode.RequestTimeout, ZepOutcomeKind.OutcomeUnknown)]
    [InlineData(HttpStatusCode.InternalServerError, ZepOutcomeKind.OutcomeUnknown)]
    [InlineData(HttpStatusCode.BadGateway, ZepOutcomeKind.OutcomeUnknown)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ZepOutcomeKind.OutcomeUnknown)]
    [InlineData(HttpStatusCode.MethodNotAllowed, ZepOutcomeKind.Unexpected)]
    public async Task Zeps_answer_is_classified_by_its_status(HttpStatusCode status, ZepOutcomeKind expected)
    {
        var zep = Client(_ => Answer(status, "invalid request"));

        var failure = ZepFailure.Classify(await CreateBatchFailsAsync(zep));

        Assert.Equal(expected, failure?.Kind);
        Assert.Equal($"Zep {(int)status} on create batch", failure?.Reason);
    }

    [Fact]
    public async Task A_400_saying_already_exists_is_AlreadyExists_and_creating_the_user_answers_false()
    {
        var zep = Client(_ => Answer(HttpStatusCode.BadRequest, "user already exists"));

        Assert.Equal(ZepOutcomeKind.AlreadyExists, ZepFailure.Classify(await CreateBatchFailsAsync(zep))?.Kind);
        Assert.False(await zep.CreateUserAsync(new CreateUserRequest("u1"), CancellationToken.None));
    }

    [Fact]
    public async Task The_reason_keeps_the_kind_of_limit_and_never_the_content()
    {
        var zep = Client(_ => Answer(HttpStatusCode.BadRequest, "message 'I told my therapist about my panic attacks' exceeds 4096 characters"));

        var failure = ZepFailure.Classify(await CreateBatchFailsAsync(zep))!;

        Assert.Equal((ZepOutcomeKind.Rejected, "Zep 400 on create batch: a size limit was exceeded"), (failure.Kind, failure.Reason));
        Assert.True(failure.IsRefusal);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task A_refused_connection_never_reached_zep()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var zep = Client(baseUrl: $"http://127.0.0.1:{closedPort}/api/v2");

        var failure = ZepFailure.Classify(await CreateBatchFailsAsync(zep));

        Assert.Equal((ZepOutcomeKind.NeverReached, "Zep unreachable"), (failure?.Kind, failure?.Reason));
        Assert.True(failure!.IsTransient);
    }

    [Fact]
    public void A_name_that_does_not_resolve_never_reached_zep()
    {
        var error = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known");

        Assert.Equal(ZepOutcomeKind.NeverReached, ZepFailure.Classify(error)?.Kind);
    }

    [Fact]
    public async Task A_connection_cut_after_the_request_was_sent_leaves_the_outcome_unknown()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer);
                if (n == 0) break;
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            socket.Close(); // the request arrived; the answer never leaves
        });
        var zep = Client(baseUrl: $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/api/v2");

        var failure = ZepFailure.Classify(await CreateBatchFailsAsync(zep));
        await server;

        Assert.Equal(ZepOutcomeKind.OutcomeUnknown, failure?.Kind);
        Assert.StartsWith("connection to Zep failed", failure?.Reason);
    }

    [Fact]
    public async Task An_attempt_that_times_out_leaves_the_outcome_unknown()
    {
        var zep = Client(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        var failure = ZepFailure.Classify(await CreateBatchFailsAsync(zep));

        Assert.Equal((ZepOutcomeKind.OutcomeUnknown, "Zep did not answer in time"), (failure?.Kind, failure?.Reason));
    }

    [Fact]
    public async Task Once_the_circuit_opens_calls_never_reach_zep()
    {
        var calls = 0;
        var zep = Client(_ =>
        {
            Interlocked.Increment(ref calls);
            return Answer(HttpStatusCode.ServiceUnavailable, null);
        });
        for (var i = 0; i < 20; i++)
            Assert.Equal(ZepOutcomeKind.OutcomeUnknown, ZepFailure.Classify(await CreateBatchFailsAsync(zep))?.Kind);

        var failure = ZepFailure.Classify(await CreateBatchFailsAsync(zep));

        Assert.Equal((ZepOutcomeKind.NeverReached, "circuit open: Zep looks down"), (failure?.Kind, failure?.Reason));
        Assert.Equal(20, calls);
    }

    [Fact]
    public void What_is_not_a_zep_call_failing_is_not_classified()
    {
        Assert.Null(ZepFailure.Classify(new OperationCanceledException()));
        Assert.Null(ZepFailure.Classify(new InvalidOperationException()));
        Assert.Null(ZepFailure.Classify(new TimeoutException()));
    }

    private static async Task<Exception> CreateBatchFailsAsync(ZepClient zep) =>
        await Assert.ThrowsAnyAsync<Exception>(() => zep.CreateBatchAsync(new CreateBatchRequest(new JsonObject()), CancellationToken.None));

    private static Task<HttpResponseMessage> Answer(HttpStatusCode status, string? message) =>
        Task.FromResult(new HttpResponseMessage(status)
        {
            Content = new StringContent(message is null ? "{}" : new JsonObject { ["message"] = message }.ToJsonString(), Encoding.UTF8, "application/json"),
        });

    /// <summary>A <see cref="ZepClient"/> as the hosts register it (1 retry, 1 s per attempt), answered by <paramref name="answer"/> when given.</summary>
    private static ZepClient Client(Func<CancellationToken, Task<HttpResponseMessage>>? answer = null, string baseUrl = "http://zep.test/api/v2")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zep:BaseUrl"] = baseUrl,
            ["Zep:ApiKey"] = "test-key",
            ["Zep:MaxRetries"] = "1",
            ["Zep:RequestTimeoutSeconds"] = "1",
        }).Build();
        var services = new ServiceCollection().AddZepClient(configuration);
        if (answer is not null) services.AddHttpClient<ZepClient>().ConfigurePrimaryHttpMessageHandler(() => new StubHandler(answer));
        return services.BuildServiceProvider().GetRequiredService<ZepClient>();
    }

    private sealed class StubHandler(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(cancellationToken);
    }
}

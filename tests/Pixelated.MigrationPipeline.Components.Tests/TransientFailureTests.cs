using System.Net;
using MassTransit;
using Pixelated.MigrationPipeline.Components.Consumers;
using Pixelated.MigrationPipeline.Zep.Api;
using RabbitMQ.Client.Exceptions;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>Outages are retried, bugs and bad data fail fast: broker failures recognised by their types, Zep's by <see cref="Zep.ZepFailure"/>.</summary>
public sealed class TransientFailureTests
{
    private static readonly Uri Queue = new("rabbitmq://localhost/migrate-user");

    public static TheoryData<Exception> Outages() =>
    [
        new BrokerUnreachableException(new IOException("connection refused")),
        new ConnectFailureException("connection refused", new IOException()),
        new OperationInterruptedException(),
        new RabbitMQ.Client.Exceptions.PublishException(1, isReturn: false),
        new MassTransit.ConnectionException("broker away", isTransient: false),
        new RabbitMqConnectionException("broker away"),
        new TransportUnavailableException("transport stopped"),
        new TransportException(Queue, "transport failed"),
        new ZepApiException(HttpStatusCode.ServiceUnavailable, "add messages", null, null),
        new ZepApiException(HttpStatusCode.TooManyRequests, "add messages", null, null),
        new HttpRequestException(HttpRequestError.ConnectionError),
        new HttpRequestException(HttpRequestError.ResponseEnded),
        new Polly.CircuitBreaker.BrokenCircuitException(),
        new Polly.Timeout.TimeoutRejectedException(),
        new InvalidOperationException("wrapped", new TransportUnavailableException("transport stopped")),
        new AggregateException(new InvalidOperationException(), new RabbitMqConnectionException("broker away")),
    ];

    public static TheoryData<Exception> NotOutages() =>
    [
        new MessageNotAcknowledgedException(Queue, "publish not acknowledged"),
        new MessageNotConsumedException(Queue, "not consumed"),
        new ZepApiException(HttpStatusCode.BadRequest, "add messages", "invalid role", null),
        new ZepApiException(HttpStatusCode.Unauthorized, "add messages", null, null),
        new ZepApiException(HttpStatusCode.NotFound, "add messages", null, null),
        new InvalidOperationException("a bug"),
    ];

    [Theory]
    [MemberData(nameof(Outages))]
    public void An_outage_is_retried(Exception e) => Assert.True(TransientFailure.Is(e), e.GetType().Name);

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void A_bug_or_bad_data_fails_fast(Exception e) => Assert.False(TransientFailure.Is(e), e.GetType().Name);
}

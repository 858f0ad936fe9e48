using System.Net.Sockets;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pixelated.MigrationPipeline.Ledger.Locks;
using Pixelated.MigrationPipeline.Zep;
using RabbitMQ.Client.Exceptions;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// Tells an outage (Zep, PostgreSQL or RabbitMQ away, a user busy elsewhere) from a bug or bad data, looking through
/// wrapping exceptions: outages are retried for as long as they plausibly last; the rest fails fast into <c>_error</c>.
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Is)) return true;
            if (IsOne(e)) return true;
        }
        return false;
    }

    private static bool IsOne(Exception e) => ZepFailure.Classify(e) is { } zep ? zep.IsTransient : e switch
    {
        UserBusyException => true,
        NpgsqlException or SocketException or IOException or TimeoutException => true, // IOException: RabbitMQ's BrokerUnreachableException too
        DbUpdateConcurrencyException => true, // rows changed under us (a restaged run): retry re-reads the ledger
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY / SQLITE_LOCKED
        RabbitMQClientException => true, // the broker went away, closed the channel, or refused a publish
        MassTransit.ConnectionException or TransportUnavailableException => true, // RabbitMqConnectionException among them
        // The bus's own transport failure, but not its subclasses (a message not acknowledged, not consumed, out of retries).
        TransportException when e.GetType() == typeof(TransportException) => true,
        _ => false,
    };
}

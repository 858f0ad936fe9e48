using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pixelated.MigrationPipeline.Ledger.Locks;
using Pixelated.MigrationPipeline.Zep.Api;
using Polly.CircuitBreaker;
using Polly.Timeout;

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

    private static bool IsOne(Exception e) => e switch
    {
        ZepApiException z => z.IsOutcomeUnknown || z.Status == System.Net.HttpStatusCode.TooManyRequests,
        HttpRequestException or TimeoutRejectedException or BrokenCircuitException or UserBusyException => true,
        NpgsqlException or SocketException or IOException or TimeoutException => true,
        DbUpdateConcurrencyException => true, // rows changed under us (a restaged run): retry re-reads the ledger
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY / SQLITE_LOCKED
        _ => IsBrokerFailure(e),
    };

    private static bool IsBrokerFailure(Exception e)
    {
        var type = e.GetType();
        if (type.Namespace?.StartsWith("RabbitMQ.Client", StringComparison.Ordinal) == true) return true;
        return type.Namespace?.StartsWith("MassTransit", StringComparison.Ordinal) == true
               && (type.Name.Contains("Connection", StringComparison.Ordinal) || type.Name.Contains("Transport", StringComparison.Ordinal)
                   || type.Name.Contains("Unavailable", StringComparison.Ordinal));
    }
}

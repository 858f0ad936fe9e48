using System.Net;
using Pixelated.MigrationPipeline.Zep.Api;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Pixelated.MigrationPipeline.Zep;

/// <summary>What a failed Zep call tells about the write it carried: the one vocabulary every caller decides by.</summary>
public enum ZepOutcomeKind
{
    /// <summary>Zep refused the request as it stands (400, 409, 413, 422): nothing was applied, and sending it again is refused again.</summary>
    Rejected,

    /// <summary>Zep does not know the resource, or does not serve the route (404): nothing was applied.</summary>
    NotFound,

    /// <summary>Zep answered 400 "already exists" to a create with a caller-chosen id: the user or thread is there.</summary>
    AlreadyExists,

    /// <summary>Zep answered 429: nothing was applied; the call may be made again later.</summary>
    RateLimited,

    /// <summary>Zep refused the caller (401, 403): nothing was applied; no retry helps until the key is fixed.</summary>
    AccessDenied,

    /// <summary>The request never reached Zep (connection refused, name not resolved, circuit open): nothing was applied.</summary>
    NeverReached,

    /// <summary>The write may or may not have been applied (5xx, 408, a timed-out attempt, a connection cut after sending): read back before sending again.</summary>
    OutcomeUnknown,

    /// <summary>Any other answer (another 4xx, a 3xx): nothing is assumed about it.</summary>
    Unexpected,
}

/// <summary>
/// A failed Zep call, classified: its <see cref="Kind"/> and a reason safe for the ledger (status, operation, the kind of
/// limit hit or the transport error; never content or ids).
/// </summary>
public sealed record ZepFailure(ZepOutcomeKind Kind, string Reason)
{
    /// <summary>Zep answered and refused the request as it stands: the items it carried fail, with <see cref="Reason"/>.</summary>
    public bool IsRefusal => Kind is ZepOutcomeKind.Rejected or ZepOutcomeKind.NotFound or ZepOutcomeKind.AlreadyExists;

    /// <summary>Zep was away or busy: the same call can succeed later (after a read-back when the outcome is unknown).</summary>
    public bool IsTransient => Kind is ZepOutcomeKind.RateLimited or ZepOutcomeKind.NeverReached or ZepOutcomeKind.OutcomeUnknown;

    /// <summary>
    /// Classifies what a <see cref="ZepClient"/> call threw: Zep's answers (<see cref="ZepApiException"/>), transport errors,
    /// and the resilience pipeline's timeout and open circuit. Null for anything else (a cancellation, a bug).
    /// </summary>
    public static ZepFailure? Classify(Exception exception) => exception switch
    {
        ZepApiException z => z.Failure,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } =>
            new(ZepOutcomeKind.NeverReached, "Zep unreachable"),
        HttpRequestException h => new(ZepOutcomeKind.OutcomeUnknown, $"connection to Zep failed ({h.HttpRequestError})"),
        BrokenCircuitException => new(ZepOutcomeKind.NeverReached, "circuit open: Zep looks down"),
        TimeoutRejectedException => new(ZepOutcomeKind.OutcomeUnknown, "Zep did not answer in time"),
        _ => null,
    };

    /// <summary>The kind of an answer Zep gave with this status (and, for a 400, its message).</summary>
    public static ZepOutcomeKind KindOf(HttpStatusCode status, string? zepMessage = null) => status switch
    {
        HttpStatusCode.BadRequest when zepMessage?.Contains("already exists", StringComparison.OrdinalIgnoreCase) == true => ZepOutcomeKind.AlreadyExists,
        HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity =>
            ZepOutcomeKind.Rejected,
        HttpStatusCode.NotFound => ZepOutcomeKind.NotFound,
        HttpStatusCode.TooManyRequests => ZepOutcomeKind.RateLimited,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ZepOutcomeKind.AccessDenied,
        HttpStatusCode.RequestTimeout => ZepOutcomeKind.OutcomeUnknown,
        _ when (int)status >= 500 => ZepOutcomeKind.OutcomeUnknown,
        _ => ZepOutcomeKind.Unexpected,
    };

    /// <summary>
    /// Whether the resilience pipeline may send the same request again: only when nothing can have been applied and waiting
    /// helps (429 honouring <c>Retry-After</c>; a connection that never reached Zep). An open circuit is not retried: the
    /// breaker has decided. Unknown outcomes surface to the idempotent writer, which reads back first.
    /// </summary>
    internal static bool IsSafeToRetry(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response
            ? KindOf(response.StatusCode) == ZepOutcomeKind.RateLimited
            : outcome.Exception is HttpRequestException e && Classify(e)?.Kind == ZepOutcomeKind.NeverReached;

    /// <summary>What says Zep is down (not what says a request was wrong), for the circuit breaker: 5xx, 408, timeouts, broken connections.</summary>
    internal static bool IsOutage(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response
            ? KindOf(response.StatusCode) == ZepOutcomeKind.OutcomeUnknown
            : outcome.Exception is { } e && Classify(e)?.Kind is ZepOutcomeKind.OutcomeUnknown or ZepOutcomeKind.NeverReached;
}

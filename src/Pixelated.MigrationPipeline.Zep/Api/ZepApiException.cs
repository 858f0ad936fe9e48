using System.Net;

namespace Pixelated.MigrationPipeline.Zep.Api;

/// <summary>
/// A non-success answer from Zep. <see cref="ZepMessage"/> is Zep's own error text; it can echo ids, so hosts
/// must not log it verbatim for user-scoped calls: use <see cref="Describe"/>, which keeps only status and kind.
/// </summary>
public sealed class ZepApiException(HttpStatusCode status, string operation, string? zepMessage, string? requestId)
    : Exception($"Zep answered {(int)status} to {operation} (request {requestId ?? "n/a"})")
{
    public HttpStatusCode Status { get; } = status;
    public string Operation { get; } = operation;
    public string? ZepMessage { get; } = zepMessage;
    public string? RequestId { get; } = requestId;

    /// <summary>What this answer tells about the write (<see cref="ZepFailure.KindOf"/>).</summary>
    public ZepOutcomeKind Kind => ZepFailure.KindOf(Status, ZepMessage);

    /// <summary>This answer classified, with the reason <see cref="Describe"/> gives.</summary>
    public ZepFailure Failure => new(Kind, Describe());

    /// <summary>A short reason safe for the ledger: status, operation and the kind of limit hit, never content or ids.</summary>
    public string Describe()
    {
        var kind = ZepMessage switch
        {
            null => null,
            var m when m.Contains("exceeds", StringComparison.OrdinalIgnoreCase) => "a size limit was exceeded",
            var m when m.Contains("role", StringComparison.OrdinalIgnoreCase) => "invalid role",
            var m when m.Contains("metadata", StringComparison.OrdinalIgnoreCase) => "invalid metadata",
            var m when m.Contains("already exists", StringComparison.OrdinalIgnoreCase) => "already exists",
            var m when m.Contains("not found", StringComparison.OrdinalIgnoreCase) => "not found",
            _ => null,
        };
        return kind is null ? $"Zep {(int)Status} on {Operation}" : $"Zep {(int)Status} on {Operation}: {kind}";
    }
}

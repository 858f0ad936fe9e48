namespace Pixelated.MemoryService.Application;

/// <summary>The audit trail's word for an outcome.</summary>
public static class AuditOutcome
{
    public static string Of(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Ok or OutcomeKind.Created => "ok",
        OutcomeKind.Forbidden => "denied",
        OutcomeKind.NotFound => "not_found",
        OutcomeKind.Conflict => "conflict",
        OutcomeKind.Invalid => "invalid",
        _ => "failed",
    };
}

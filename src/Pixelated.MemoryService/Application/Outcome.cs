namespace Pixelated.MemoryService.Application;

/// <summary>How an operation ended, the same for HTTP routes and MCP tools (each maps it to its own answer).</summary>
public enum OutcomeKind
{
    Ok,
    Created,
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
}

/// <summary>
/// An operation's result: a value, or why there is none. <see cref="Field"/> names the offending request field of an
/// <see cref="OutcomeKind.Invalid"/> one; <see cref="Reason"/> is safe to show (never content, names or e-mail addresses).
/// </summary>
public sealed record Outcome<T>(OutcomeKind Kind, T? Value, string? Reason = null, string? Field = null)
{
    public bool Succeeded => Kind is OutcomeKind.Ok or OutcomeKind.Created;

    public static Outcome<T> Ok(T value) => new(OutcomeKind.Ok, value);
    public static Outcome<T> Created(T value) => new(OutcomeKind.Created, value);
    public static Outcome<T> Forbidden(string reason = "not allowed for your role") => new(OutcomeKind.Forbidden, default, reason);
    public static Outcome<T> NotFound(string reason) => new(OutcomeKind.NotFound, default, reason);
    public static Outcome<T> Conflict(string reason) => new(OutcomeKind.Conflict, default, reason);
    public static Outcome<T> Invalid(string field, string reason) => new(OutcomeKind.Invalid, default, reason, field);

    /// <summary>The same failure carrying another value type.</summary>
    public Outcome<TOther> As<TOther>() =>
        Succeeded ? throw new InvalidOperationException("a success has a value of its own type") : new(Kind, default, Reason, Field);
}

namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>
/// One Zep write (create user, create thread, one add-messages call, one graph episode, and the Batch API's batch,
/// add-items and process calls) under its deterministic
/// idempotency key. Written ahead of the HTTP call (<see cref="WriteState.Sent"/>) and confirmed after it.
/// </summary>
public sealed class ZepWriteUnit
{
    /// <summary>The Zep the unit was written to (its API root): the same source written to another Zep is another unit.</summary>
    public string Target { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public string UserKey { get; set; } = "";
    public WriteUnitKind Kind { get; set; }
    public WriteState State { get; set; }
    /// <summary>Zep's ids for what was written (user id, thread id, message uuids, episode uuid, batch id, an add-items call's range).</summary>
    public string? ZepIds { get; set; }
    /// <summary>
    /// How many times this ledger sent the unit. 0 on a <see cref="WriteState.Confirmed"/> unit: adopted, found in Zep
    /// under its key (written there by another ledger) and never sent by this one.
    /// </summary>
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public Guid LastRunId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum WriteUnitKind
{
    User = 0,
    Thread = 1,
    Messages = 2,
    Episode = 3,
    /// <summary>A user's Batch API batch: <c>ZepIds</c> holds the batch id while it is open (Sent) and once it is settled (Confirmed).</summary>
    Batch = 4,
    /// <summary>One add-items call to a batch: <c>ZepIds</c> holds the sequence range it covers and the keys of its items.</summary>
    BatchItems = 5,
    /// <summary>The process call of a batch (a second one answers 409, which is fine).</summary>
    BatchProcess = 6,
}

public enum WriteState
{
    Pending = 0,
    /// <summary>Sent, outcome not yet known: never resent blindly; read Zep back first.</summary>
    Sent = 1,
    Confirmed = 2,
    Failed = 3,
}

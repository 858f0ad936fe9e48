namespace Pixelated.MigrationPipeline.Ledger.Locks;

/// <summary>
/// Mutual exclusion per (Zep target, user) across every worker process, so a user is never written by two consumers at once
/// (the same MigrateUser delivered twice, two runs of one export). A lock held by a process that dies is released with it.
/// </summary>
public interface IUserLock
{
    /// <summary>The held lock, or null when another consumer holds it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string target, string userKey, CancellationToken ct);
}

/// <summary>Thrown when a user is being migrated elsewhere: the message is retried later.</summary>
public sealed class UserBusyException() : Exception("The user is being processed by another consumer; retrying later.");

internal static class LockKey
{
    public static long Of(string target, string userKey)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(target + "\n" + userKey));
        return BitConverter.ToInt64(hash, 0);
    }
}

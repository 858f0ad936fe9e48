using System.Collections.Concurrent;

namespace Pixelated.MigrationPipeline.Ledger.Locks;

/// <summary>The one-process mode's lock (SQLite ledger): only this process writes, so an in-memory lock is the whole truth.</summary>
public sealed class InProcessUserLock : IUserLock
{
    private readonly ConcurrentDictionary<long, byte> _held = new();

    public Task<IAsyncDisposable?> TryAcquireAsync(string target, string userKey, CancellationToken ct)
    {
        var key = LockKey.Of(target, userKey);
        return Task.FromResult<IAsyncDisposable?>(_held.TryAdd(key, 0) ? new Held(_held, key) : null);
    }

    private sealed class Held(ConcurrentDictionary<long, byte> held, long key) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            held.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}

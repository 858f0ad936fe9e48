namespace Pixelated.MigrationPipeline.Zep.RateBudget;

/// <summary>Raises a shared value to at least a given one, lock-free (pauses only ever get longer).</summary>
public static class AtomicMax
{
    public static void Raise(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
            if (current >= value) return;
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }
}

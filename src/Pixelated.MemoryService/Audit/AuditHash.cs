using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pixelated.MemoryService.Data.Entities;

namespace Pixelated.MemoryService.Audit;

/// <summary>The hash that chains an audit row to the one before it: SHA-256 over the previous hash and the row's fields.</summary>
public static class AuditHash
{
    /// <summary>The previous hash of the first row.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string Of(AuditEntry entry)
    {
        var fields = string.Join('\u001f',
            entry.PreviousHash,
            entry.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            entry.ActorId, entry.ActorRole, entry.Action, entry.SubjectUserId ?? "", entry.SessionId ?? "", entry.Outcome);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fields)));
    }

    /// <summary>
    /// An instant as every provider keeps it, so the hash written is the hash read back: whole 100 µs in UTC. PostgreSQL
    /// keeps microseconds, but SQLite's <c>DateTimeOffsetToBinaryConverter</c> keeps only 0.1 ms, and a row hashed with
    /// finer digits would read back as edited.
    /// </summary>
    public static DateTimeOffset Stored(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TicksKept, TimeSpan.Zero);

    private const long TicksKept = 1000; // 100 µs
}

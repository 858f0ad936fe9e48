using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// Deterministic idempotency keys, derived from the source (target user, source item, part), never from the run,
/// so a rerun of the same export under a new run id recognises what is already in Zep (DESIGN.md §3).
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The metadata key under which the idempotency key travels to Zep.</summary>
    public const string MetadataKey = "pxm_key";

    public static string ForUser(string zepUserId) => Hash("user", zepUserId);
    public static string ForThread(string threadId) => Hash("thread", threadId);
    public static string ForEpisode(string zepUserId, string itemKey, int part) => Hash("episode", zepUserId, itemKey, part.ToString());

    /// <summary>
    /// The key of one part of a memory's content version: version 0 (the first text migrated) keeps the key a memory
    /// always had (<see cref="ForEpisode"/>); a later version carries its number and its text's hash, so each text the
    /// memory takes is a unit of its own.
    /// </summary>
    public static string ForEpisodeVersion(string zepUserId, string itemKey, int version, string contentHash, int part) =>
        version == 0
            ? ForEpisode(zepUserId, itemKey, part)
            : Hash("episode-version", zepUserId, itemKey, version.ToString(CultureInfo.InvariantCulture), VersionHash(contentHash), part.ToString(CultureInfo.InvariantCulture));

    /// <summary>The part of a content hash a version's key and metadata carry (64 bits of the SHA-256).</summary>
    public static string VersionHash(string contentHash) => contentHash.Length > 16 ? contentHash[..16] : contentHash;

    /// <summary>Metadata of a later version's episode: its number, its text's <see cref="VersionHash"/>, and the key it supersedes.</summary>
    public const string VersionMetadataKey = "pxm_version";
    public const string HashMetadataKey = "pxm_hash";
    public const string SupersedesMetadataKey = "pxm_supersedes";
    public static string ForMessage(string threadId, string itemKey, int part) => Hash("message", threadId, itemKey, part.ToString());
    public static string ForMessageBatch(IEnumerable<string> messageKeys) => Hash(["messages", .. messageKeys]);

    /// <summary>The ledger unit of a user's Batch API batch (one open batch per user and Zep at a time).</summary>
    public static string ForBatch(string zepUserId) => Hash("batch", zepUserId);
    public static string ForBatchAdd(string batchId, int callIndex) => Hash("batch-add", batchId, callIndex.ToString());
    public static string ForBatchProcess(string batchId) => Hash("batch-process", batchId);

    public static string Hash(params string[] parts)
    {
        var joined = string.Join('\u001f', parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..32];
    }

    /// <summary>SHA-256 of the content's UTF-8 (hex). Called once per staged item: encodes into a stack or pooled buffer
    /// and hashes into the stack, so the only allocation is the returned string.</summary>
    public static string ContentHash(string content)
    {
        const int StackBytes = 1024;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(content.Length);
        var rented = maxBytes > StackBytes ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[StackBytes];
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(content, utf8)], digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

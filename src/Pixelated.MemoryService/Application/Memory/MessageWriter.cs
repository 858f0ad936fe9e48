using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Application.Sessions;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// Stores messages in a session's Zep thread exactly as the migration stores mem0's: roles through <see cref="RoleMapper"/>
/// (a therapist is Zep's <c>user</c>, the original kept in <c>mem0_role</c>), content over Zep's 4,096 characters split by
/// <see cref="SentParts.Plain"/> (<c>pxm_part</c> numbering the parts), each part keyed in <c>pxm_key</c>; sent in order,
/// at most 30 per call. Only an open session takes writes; each write slides its expiry.
/// </summary>
public sealed class MessageWriter(SessionAccess access, SessionDirectory sessions, Guard guard, ZepClient zep)
{
    public const int MaxMessages = 100;
    public static readonly IReadOnlyList<string> Roles = ["user", "assistant", "therapist", "system"];

    public async Task<Outcome<MessagesStored>> AddAsync(Caller caller, string sessionId, IReadOnlyList<NewMessage> messages, CancellationToken ct)
    {
        const string action = MemoryActions.AddMessages;
        var (session, refusal) = await access.EnterAsync<MessagesStored>(caller, sessionId, Operation.WriteClinical, action, ct);
        if (refusal is not null) return refusal;
        var owner = session!.UserId;
        if (Validate(messages) is { } invalid) return await guard.RecordAsync(caller, action, owner, sessionId, invalid, ct);
        if (session.WriteRefusal is { } reason)
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<MessagesStored>.Conflict(reason), ct);

        var request = Guid.NewGuid().ToString("N");
        var planned = messages.SelectMany((m, i) => Plan(sessionId, request, i, m)).ToList();
        var uuids = new List<string>(planned.Count);
        try
        {
            foreach (var chunk in planned.Chunk(UserPlanner.MaxMessagesPerCall))
                uuids.AddRange((await zep.AddMessagesAsync(sessionId, new AddMessagesRequest(chunk), ct)).MessageUuids);
        }
        catch (ZepApiException e) when (e.Status == HttpStatusCode.NotFound && uuids.Count == 0)
        {
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<MessagesStored>.NotFound("the session's thread is not in Zep"), ct);
        }
        await sessions.TouchAsync(sessionId, ct);
        return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<MessagesStored>.Created(new(sessionId, uuids, uuids.Count)), ct);
    }

    /// <summary>The first invalid field (<c>messages[i].role</c>, <c>.content</c>, <c>.createdAt</c>), or null.</summary>
    public static Outcome<MessagesStored>? Validate(IReadOnlyList<NewMessage> messages)
    {
        if (messages.Count is 0 or > MaxMessages)
            return Outcome<MessagesStored>.Invalid("messages", $"from 1 to {MaxMessages} messages per request");
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (m.Role is null || !Roles.Contains(m.Role.Trim().ToLowerInvariant()))
                return Outcome<MessagesStored>.Invalid($"messages[{i}].role", "must be user, assistant, therapist or system");
            if (string.IsNullOrWhiteSpace(m.Content))
                return Outcome<MessagesStored>.Invalid($"messages[{i}].content", "must not be empty");
            if (m.CreatedAt is not null && ParseInstant(m.CreatedAt) is null)
                return Outcome<MessagesStored>.Invalid($"messages[{i}].createdAt", "must be an RFC 3339 timestamp");
        }
        return null;
    }

    private static IEnumerable<ZepMessage> Plan(string sessionId, string request, int index, NewMessage message)
    {
        var role = RoleMapper.Map(message.Role, out var keepOriginal);
        var parts = SentParts.Plain(message.Content!, UserPlanner.MaxMessageChars);
        var createdAt = UserPlanner.Rfc3339(message.CreatedAt is null ? null : ParseInstant(message.CreatedAt));
        for (var p = 0; p < parts.Count; p++)
        {
            var key = IdempotencyKey.Hash("memory-service-message", sessionId, request, index.ToString(CultureInfo.InvariantCulture), p.ToString(CultureInfo.InvariantCulture));
            var metadata = new JsonObject { [IdempotencyKey.MetadataKey] = key };
            if (keepOriginal) metadata["mem0_role"] = message.Role!.Trim().ToLowerInvariant();
            if (parts.Count > 1) metadata["pxm_part"] = $"{p + 1}/{parts.Count}";
            yield return new ZepMessage(parts[p].Sent, role, string.IsNullOrWhiteSpace(message.Name) ? null : message.Name, createdAt, metadata);
        }
    }

    private static DateTimeOffset? ParseInstant(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) && value.Contains('T')
            ? instant : null;
}

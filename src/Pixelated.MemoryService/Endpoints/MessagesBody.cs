using System.Text.Json;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Endpoints;

/// <summary>
/// Reads the body of <c>POST .../messages</c>: <c>{"messages": [{role, content, name?, createdAt?}]}</c> or one message
/// object alone. A field of the wrong JSON type is named (<c>messages[i].content</c>), as the operation names bad values.
/// </summary>
public static class MessagesBody
{
    public static (IReadOnlyList<NewMessage>? Messages, string? Field, string? Reason) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "body", "must be a JSON object");
        if (!body.TryGetProperty("messages", out var list))
        {
            var (single, field, reason) = ReadOne(body, "messages[0]");
            return single is null ? (null, field, reason) : ([single], null, null);
        }
        if (list.ValueKind != JsonValueKind.Array) return (null, "messages", "must be an array of messages");
        var messages = new List<NewMessage>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            var (message, field, reason) = ReadOne(item, $"messages[{messages.Count}]");
            if (message is null) return (null, field, reason);
            messages.Add(message);
        }
        return (messages, null, null);
    }

    private static (NewMessage? Message, string? Field, string? Reason) ReadOne(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object) return (null, path, "must be a message object");
        string? Text(string name, out bool wrongType)
        {
            wrongType = false;
            if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            wrongType = true;
            return null;
        }
        foreach (var name in new[] { "role", "content", "name", "createdAt" })
        {
            Text(name, out var wrong);
            if (wrong) return (null, $"{path}.{name}", "must be a string");
        }
        return (new NewMessage(Text("role", out _), Text("content", out _), Text("name", out _), Text("createdAt", out _)), null, null);
    }
}

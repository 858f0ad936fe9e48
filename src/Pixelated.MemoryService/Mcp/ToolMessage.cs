using System.ComponentModel;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Mcp;

/// <summary>One message of <c>add_messages</c>, as the route's body takes it; <see cref="MessageWriter"/> validates it.</summary>
public sealed record ToolMessage(
    [property: Description("Who spoke: user, assistant, therapist or system.")] string Role,
    [property: Description("What was said. Long content is split as the migration splits it.")] string Content,
    [property: Description("The speaker's name, optional.")] string? Name = null,
    [property: Description("When it was said, RFC 3339 (e.g. 2026-01-31T10:00:00Z); Zep's ingestion time when absent.")] string? CreatedAt = null)
{
    public NewMessage ToNewMessage() => new(Role, Content, Name, CreatedAt);
}

using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Mcp;

/// <summary>
/// <c>add_messages</c>, <c>get_history</c>, <c>count_messages</c>: <see cref="MessageWriter"/> and <see cref="HistoryReader"/>,
/// as <c>POST .../messages</c>, <c>GET .../history</c> and <c>GET .../history/count</c>.
/// </summary>
[McpServerToolType]
public sealed class MessageTools(ToolCaller caller, MessageWriter writer, HistoryReader reader, ToolIdempotency idempotency)
{
    [McpServerTool(Name = "add_messages", Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(MessagesStored))]
    [Description("Stores 1 to 100 messages, in order, in an open session's conversation history. Returns the stored message ids.")]
    public async Task<CallToolResult> AddMessages(
        [Description("The session to write to.")] string sessionId,
        [Description("The messages, oldest first.")] IReadOnlyList<ToolMessage> messages,
        [Description(ToolIdempotency.Description)] string? idempotencyKey = null,
        CancellationToken ct = default) =>
        await idempotency.RunAsync("add_messages", idempotencyKey, new { sessionId, messages }, async () =>
            ToolResults.From(await writer.AddAsync(caller.Current, sessionId, messages.Select(m => m.ToNewMessage()).ToList(), ct)), ct);

    [McpServerTool(Name = "get_history", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(HistoryPage))]
    [Description("Reads one page of a session's conversation history, newest first unless order is oldest. Pass the returned " +
                 "nextCursor (with the same order) to read the next page; it is null after the last page.")]
    public async Task<CallToolResult> GetHistory(
        [Description("The session to read.")] string sessionId,
        [Description("Messages per page, 1 to 100 (default 50).")] int? limit = null,
        [Description("The nextCursor of the previous page; absent for the first page.")] string? cursor = null,
        [Description("newest (default) or oldest.")] string? order = null,
        CancellationToken ct = default) =>
        ToolResults.From(await reader.ReadAsync(caller.Current, sessionId, new HistoryQuery(limit, cursor, order), ct));

    [McpServerTool(Name = "count_messages", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(MessageCount))]
    [Description("Counts the messages in a session's conversation history.")]
    public async Task<CallToolResult> CountMessages(
        [Description("The session to count.")] string sessionId,
        CancellationToken ct = default) =>
        ToolResults.From(await reader.CountAsync(caller.Current, sessionId, ct));
}

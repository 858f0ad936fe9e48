using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Mcp;

/// <summary><c>get_stats</c>: <see cref="MemoryStats"/>, as <c>GET .../stats</c>.</summary>
[McpServerToolType]
public sealed class StatsTools(ToolCaller caller, MemoryStats stats)
{
    [McpServerTool(Name = "get_stats", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SessionStats))]
    [Description("A session's figures: its message count, first and last message times, and its records (summaries, emotional " +
                 "states, treatment plans) counted by kind.")]
    public async Task<CallToolResult> GetStats(
        [Description("The session to describe.")] string sessionId,
        CancellationToken ct = default) =>
        ToolResults.From(await stats.ReadAsync(caller.Current, sessionId, ct));
}

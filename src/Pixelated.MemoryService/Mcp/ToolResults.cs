using System.Text.Json;
using ModelContextProtocol.Protocol;
using Pixelated.MemoryService.Application;

namespace Pixelated.MemoryService.Mcp;

/// <summary>
/// Maps an <see cref="Outcome{T}"/> to a tool's answer. A success is the value as structured content (camelCase, as the
/// HTTP routes write it) and the same JSON as text, for clients that read only text. A failure is a tool error
/// (<c>isError: true</c>), not a JSON-RPC error: MCP keeps protocol errors for protocol faults (unknown tool, malformed
/// request) and reports domain failures in the result, so that a model sees why and can correct its call. Its text names
/// the kind and the outcome's reason (<c>forbidden: ...</c>, <c>not found: ...</c>, <c>conflict: ...</c>,
/// <c>invalid field F: ...</c>), which never carries content, names or e-mail addresses. Arguments that do not bind to a
/// tool's parameters (a required one missing, a wrong JSON type) never reach a service: the SDK answers those with its own
/// tool error, <c>An error occurred invoking 'tool'.</c>
/// </summary>
public static class ToolResults
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static CallToolResult From<T>(Outcome<T> outcome)
    {
        if (!outcome.Succeeded) return Error(Describe(outcome.Kind, outcome.Reason, outcome.Field));
        var value = JsonSerializer.SerializeToElement(outcome.Value, Json);
        return new CallToolResult
        {
            StructuredContent = value,
            Content = [new TextContentBlock { Text = value.GetRawText() }],
        };
    }

    /// <summary>A tool error whose text is <paramref name="text"/>.</summary>
    public static CallToolResult Error(string text) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = text }],
    };

    /// <summary>The text of a failure: its kind, then the reason (and the field of an invalid one).</summary>
    public static string Describe(OutcomeKind kind, string? reason, string? field) => kind switch
    {
        OutcomeKind.Forbidden => $"forbidden: {reason ?? "not allowed for your role"}",
        OutcomeKind.NotFound => $"not found: {reason ?? "no such item"}",
        OutcomeKind.Conflict => $"conflict: {reason ?? "the request conflicts with the current state"}",
        OutcomeKind.Invalid => $"invalid field {field ?? "arguments"}: {reason ?? "is not valid"}",
        _ => "failed",
    };
}

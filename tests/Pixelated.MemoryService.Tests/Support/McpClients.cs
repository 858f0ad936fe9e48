using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Pixelated.MemoryService.Tests.Support;

/// <summary>The MCP SDK's own client on the service's <c>/mcp</c> (streamable HTTP), holding a bearer token, and reading its answers.</summary>
public static class McpClients
{
    /// <summary>A connected client whose requests carry <paramref name="token"/> (none when null).</summary>
    public static Task<McpClient> McpAsync(this MemoryHost host, string? token)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(host.BaseAddress, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = "memory-tests",
        };
        if (token is not null) options.AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" };
        return McpClient.CreateAsync(new HttpClientTransport(options));
    }

    /// <summary>A connected client speaking for <paramref name="sub"/> in <paramref name="role"/>.</summary>
    public static Task<McpClient> McpAsync(this MemoryHost host, string sub, string role) => host.McpAsync(host.Token(sub, role));

    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, object arguments)
    {
        var args = JsonSerializer.SerializeToElement(arguments, JsonSerializerOptions.Web).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object?)p.Value);
        return await client.CallToolAsync(tool, args);
    }

    /// <summary>A successful call's structured content (asserting it succeeded).</summary>
    public static JsonElement Value(this CallToolResult result, string tool)
    {
        Assert.True(result.IsError != true, $"{tool} failed: {result.Text()}");
        Assert.NotNull(result.StructuredContent);
        return result.StructuredContent!.Value;
    }

    /// <summary>The text blocks of a result, joined.</summary>
    public static string Text(this CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}

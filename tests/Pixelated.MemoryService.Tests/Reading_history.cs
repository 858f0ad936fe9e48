using System.Net;
using System.Text.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Reading_history(MemoryHost host)
{
    private async Task<(string Patient, string Session)> SessionWithMessagesAsync(int count)
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        foreach (var chunk in Enumerable.Range(1, count).Chunk(30))
            await host.Zep().AddMessagesAsync(session, new AddMessagesRequest(chunk.Select(i => new ZepMessage($"m{i}", "user")).ToList()), default);
        return (patient, session);
    }

    private static async Task<List<string>> ReadAllAsync(HttpClient client, string session, string order, int limit)
    {
        var contents = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"api/v1/memory/{session}/history?limit={limit}&order={order}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var (status, body) = await client.GetJsonAsync(url);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(120, body.GetProperty("totalCount").GetInt32());
            var messages = body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToList();
            Assert.InRange(messages.Count, 1, limit);
            contents.AddRange(messages);
            cursor = body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("nextCursor").GetString();
            Assert.True(++pages <= 3);
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        return contents;
    }

    [Fact]
    public async Task History_pages_newest_first_across_zep_pages()
    {
        var (patient, session) = await SessionWithMessagesAsync(120);
        using var client = host.As(patient, MemoryRoles.Patient);
        var read = await ReadAllAsync(client, session, "newest", 50);
        Assert.Equal(Enumerable.Range(1, 120).Reverse().Select(i => $"m{i}"), read);
    }

    [Fact]
    public async Task History_pages_oldest_first_across_zep_pages()
    {
        var (patient, session) = await SessionWithMessagesAsync(120);
        using var client = host.As(patient, MemoryRoles.Patient);
        var read = await ReadAllAsync(client, session, "oldest", 50);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"m{i}"), read);
    }

    [Fact]
    public async Task Newer_messages_arriving_between_pages_do_not_shift_a_newest_first_reading()
    {
        var (patient, session) = await SessionWithMessagesAsync(60);
        using var client = host.As(patient, MemoryRoles.Patient);
        var first = await client.GetJsonAsync($"api/v1/memory/{session}/history?limit=50");
        await host.Zep().AddMessagesAsync(session, new AddMessagesRequest([new ZepMessage("newer", "user")]), default);
        var cursor = first.Body.GetProperty("nextCursor").GetString()!;
        var second = await client.GetJsonAsync($"api/v1/memory/{session}/history?limit=50&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => $"m{i}"),
            second.Body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(JsonValueKind.Null, second.Body.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task The_count_is_zeps_total_and_the_default_page_is_the_newest_fifty()
    {
        var (patient, session) = await SessionWithMessagesAsync(75);
        using var client = host.As(patient, MemoryRoles.Patient);
        var (status, count) = await client.GetJsonAsync($"api/v1/memory/{session}/history/count");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(session, count.GetProperty("sessionId").GetString());
        Assert.Equal(75, count.GetProperty("count").GetInt32());

        var page = await client.GetJsonAsync($"api/v1/memory/{session}/history");
        var messages = page.Body.GetProperty("messages");
        Assert.Equal(50, messages.GetArrayLength());
        Assert.Equal("m75", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(messages[0].GetProperty("uuid").GetString()));
        Assert.False(string.IsNullOrEmpty(messages[0].GetProperty("createdAt").GetString()));
    }

    [Fact]
    public async Task A_therapists_message_reads_back_with_its_original_role()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        await client.PostJsonAsync($"api/v1/memory/{session}/messages", new { role = "therapist", content = "Welcome back.", name = "Dr. Ada" });
        var message = (await client.GetJsonAsync($"api/v1/memory/{session}/history")).Body.GetProperty("messages")[0];
        Assert.Equal("therapist", message.GetProperty("role").GetString());
        Assert.Equal("Dr. Ada", message.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("order=sideways", "order")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_paging_is_400_naming_the_parameter(string query, string field)
    {
        var (patient, session) = await SessionWithMessagesAsync(3);
        using var client = host.As(patient, MemoryRoles.Patient);
        var (status, problem) = await client.GetJsonAsync($"api/v1/memory/{session}/history?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, Fixtures.FieldOf(problem));
    }

    [Fact]
    public async Task A_cursor_of_the_other_order_is_refused()
    {
        var (patient, session) = await SessionWithMessagesAsync(10);
        using var client = host.As(patient, MemoryRoles.Patient);
        var first = await client.GetJsonAsync($"api/v1/memory/{session}/history?limit=3&order=oldest");
        var cursor = first.Body.GetProperty("nextCursor").GetString()!;
        var (status, problem) = await client.GetJsonAsync($"api/v1/memory/{session}/history?limit=3&order=newest&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("cursor", Fixtures.FieldOf(problem));
    }
}

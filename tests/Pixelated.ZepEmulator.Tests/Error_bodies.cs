using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Error_bodies
{
    [Theory]
    [InlineData("GET", "no-such-route", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "users/nobody", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "users", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("POST", "users", "", HttpStatusCode.BadRequest)]
    [InlineData("POST", "users", """{"user_id": 42}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "threads", "[]", HttpStatusCode.BadRequest)]
    [InlineData("POST", "graph", "{\"data\":", HttpStatusCode.BadRequest)]
    [InlineData("PUT", "users/nobody", "{}", HttpStatusCode.MethodNotAllowed)]
    public async Task Every_error_is_json_with_message_and_request_id(string method, string path, string? body, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.SendAsync(new HttpMethod(method), path, body);

        response.AssertZepError(expected);
    }

    [Fact]
    public async Task Malformed_json_answers_400_with_a_bad_request_message()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.SendAsync(HttpMethod.Post, "users", "{\"user_id\":");

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: ", response.Message);
    }

    [Fact]
    public async Task Each_error_carries_its_own_request_id()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var first = await emulator.GetAsync("users/nobody");
        var second = await emulator.GetAsync("users/nobody");

        Assert.NotEqual(first.Json.GetProperty("request_id").GetString(), second.Json.GetProperty("request_id").GetString());
    }

    [Fact]
    public void The_schema_check_rejects_a_body_that_breaks_the_contract()
    {
        using var wrongUser = System.Text.Json.JsonDocument.Parse("""{"user_id": 42, "id": "one"}""");
        using var wrongError = System.Text.Json.JsonDocument.Parse("""{"message": ["not", "a", "string"]}""");
        using var wrongEpisode = System.Text.Json.JsonDocument.Parse("""{"content": "x"}""");

        Assert.False(ZepSchemas.IsValid("ApidataUser", wrongUser.RootElement));
        Assert.False(ZepSchemas.IsValid("ApidataAPIError", wrongError.RootElement));
        Assert.False(ZepSchemas.IsValid("ApidataGraphEpisode", wrongEpisode.RootElement));
    }
}

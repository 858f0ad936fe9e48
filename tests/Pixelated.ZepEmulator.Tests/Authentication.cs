using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Authentication
{
    [Fact]
    public async Task A_request_without_an_authorization_header_answers_401_with_a_json_error()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.SendAsync(HttpMethod.Get, "api/v2/users-ordered", null, emulator.Raw);

        response.AssertZepError(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("Api-Key wrong-key")]
    [InlineData("Bearer test-key")]
    [InlineData("test-key")]
    [InlineData("Api-Key  test-key")]
    public async Task A_request_with_a_wrong_key_or_scheme_answers_401(string authorization)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/users-ordered");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var raw = await emulator.Raw.SendAsync(request);
        var response = new ZepResponse(raw.StatusCode, raw, await raw.Content.ReadAsStringAsync());

        response.AssertZepError(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.False(emulator.Store.UserExists("anyone"));
    }

    [Fact]
    public async Task A_request_with_the_right_key_is_served()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync("users-ordered");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task An_unauthenticated_write_stores_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.SendAsync(HttpMethod.Post, "api/v2/users", new { user_id = "sneaky" }, emulator.Raw);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.False(emulator.Store.UserExists("sneaky"));
    }
}

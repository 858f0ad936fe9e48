using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Starting_the_service(MemoryHost host)
{
    [Fact]
    public async Task Health_needs_no_token_and_readiness_checks_the_database_and_zep()
    {
        using var client = host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
        var ready = await client.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_and_the_docs_page_are_served()
    {
        using var client = host.Anonymous();
        var document = await client.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("docs")).StatusCode);
    }

    [Fact]
    public async Task A_route_without_a_token_or_with_a_token_signed_by_another_key_is_401()
    {
        using var anonymous = host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/users/someone")).StatusCode);

        var forged = DevTokens.Mint(new Options.MemoryAuthOptions
        {
            SigningKey = "another-key-that-is-long-enough-0123456789",
            Audience = MemoryHost.Audience,
            Issuer = host.AuthOptions.Issuer,
        }, "someone", MemoryRoles.Admin);
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/users/someone")).StatusCode);
    }
}

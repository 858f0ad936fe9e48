using System.Net;
using System.Net.Http.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class When_zep_fails(MemoryHost host)
{
    [Fact]
    public async Task A_write_zep_fails_is_503_with_retry_after_and_a_retry_with_the_same_key_then_stores_once()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/memory/{sessionId}/messages") { Content = JsonContent.Create(new { role = "user", content = "private words" }) };
            request.Headers.Add("Idempotency-Key", "write-during-outage");
            return request;
        }

        host.Emulator.Faults.ErrorBeforeWriteRate = 1;
        try
        {
            using var failed = await client.SendAsync(Request());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.True(failed.Headers.RetryAfter is not null);
            var body = await failed.Content.ReadAsStringAsync();
            Assert.Contains("Zep 500", body);
            Assert.DoesNotContain("private words", body);
            Assert.Empty(host.Emulator.Store.GetMessages(sessionId));
        }
        finally
        {
            host.Emulator.Faults.ErrorBeforeWriteRate = 0;
        }

        using var retried = await client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Single(host.Emulator.Store.GetMessages(sessionId));
    }
}

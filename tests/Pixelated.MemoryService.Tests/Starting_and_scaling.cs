using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Hosting;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Starting_and_scaling(MemoryHost host)
{
    [Fact]
    public async Task Without_a_zep_key_the_service_refuses_to_start_unless_the_local_emulator_is_chosen()
    {
        var settings = MemoryHost.Settings(host.ConnectionString, host.Emulator);
        settings.Remove("ZEP_API_KEY");
        settings["ZEP_API_KEY"] = "";
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => MemoryServiceHost.BuildAsync(["--urls", "http://127.0.0.1:0"], settings));
        Assert.Contains("ZEP_API_KEY", string.Join(" ", refusal.Failures));

        settings["Zep:Local"] = "true";
        settings["Emulator:StateFile"] = "";
        await using var local = await MemoryServiceHost.BuildAsync(["--urls", "http://127.0.0.1:0"], settings);
        await local.StartAsync();
        await local.StopAsync();
    }

    [Fact]
    public async Task Without_a_signing_key_or_authority_the_service_refuses_to_start()
    {
        var settings = MemoryHost.Settings(host.ConnectionString, host.Emulator);
        settings["Memory:Auth:SigningKey"] = "too-short";
        await using var app = await MemoryServiceHost.BuildAsync(["--urls", "http://127.0.0.1:0"], settings);
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("SigningKey", string.Join(" ", refusal.Failures));
        Assert.DoesNotContain("too-short", string.Join(" ", refusal.Failures));
    }

    [Fact]
    public async Task Two_instances_on_one_database_see_the_same_sessions()
    {
        await using var second = await IsolatedService.StartAsync(host, sharedDatabase: true);
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient); // on the first instance

        using var onSecond = second.As(patient, MemoryRoles.Patient);
        var seen = await (await onSecond.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync();
        Assert.Equal("open", seen.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await onSecond.PostAsync($"api/v1/sessions/{sessionId}/close", null)).StatusCode);

        using var onFirst = host.As(patient, MemoryRoles.Patient);
        using var write = await onFirst.PostAsJsonAsync($"api/v1/memory/{sessionId}/messages", new { role = "user", content = "late" });
        Assert.Equal(HttpStatusCode.Conflict, write.StatusCode);
        Assert.Contains("closed", await write.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_naming_the_body()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var huge = "{\"role\":\"user\",\"content\":\"" + new string('a', 1_100_000) + "\"}";
        using var response = await client.PostAsync($"api/v1/memory/{sessionId}/messages", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await response.AssertProblemNamesAsync("body");
        Assert.Empty(host.Emulator.Store.GetMessages(sessionId));
    }
}

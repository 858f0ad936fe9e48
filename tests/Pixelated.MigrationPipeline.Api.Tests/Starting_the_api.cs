using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Starting_the_api(ApiHost api)
{
    [Theory]
    [InlineData("no keys", null, null, "Api:Keys is empty")]
    [InlineData("short key", "ops", "short", "at least 16 characters")]
    [InlineData("bad role", "ops", "a-long-enough-secret-key", "Role must be")]
    public async Task It_refuses_to_start_without_valid_keys(string situation, string? name, string? key, string message)
    {
        _ = situation;
        var settings = ApiHost.Settings(Path.Combine(api.Root, "refuse-" + Guid.NewGuid().ToString("N")[..6]), api.Emulator);
        foreach (var k in settings.Keys.Where(k => k.StartsWith("Api:Keys", StringComparison.Ordinal)).ToList()) settings.Remove(k);
        if (name is not null)
        {
            settings["Api:Keys:0:Name"] = name;
            settings["Api:Keys:0:Key"] = key;
            settings["Api:Keys:0:Role"] = situation == "bad role" ? "admin" : "operator";
        }

        await using var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
        if (key is not null) Assert.DoesNotContain(key, error.Message);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Api.Tests;

/// <summary>
/// A deployed API without its Zep key must not migrate a clinic into a throwaway local Zep: it refuses to start unless
/// the local emulator is chosen explicitly with <c>Zep:Local=true</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Choosing_the_zep(ApiHost api)
{
    [Fact]
    public async Task Without_a_zep_key_or_the_local_switch_the_api_process_exits_1_with_one_line_naming_both()
    {
        var root = Directory.CreateDirectory(Path.Combine(api.Root, "no-key-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pixelated.MigrationPipeline.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ZEP_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Zep__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        foreach (var (key, value) in ApiHost.Settings(root, api.Emulator).Where(s => !s.Key.StartsWith("Zep", StringComparison.OrdinalIgnoreCase)))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the API without a Zep key kept running: {await output}{await error}");
        }

        var message = (await error).Trim();
        Assert.Equal(1, process.ExitCode);
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("The migration API cannot start:", message);
        Assert.Contains("ZEP_API_KEY", message);
        Assert.Contains("Zep:Local=true", message);
        Assert.Empty(Directory.GetFiles(root, "*.json")); // no emulator state file was made
    }

    [Fact]
    public async Task With_Zep_Local_true_it_writes_to_a_local_emulator_says_so_and_keeps_its_data_owner_only()
    {
        var root = Directory.CreateDirectory(Path.Combine(api.Root, "local-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        var stateFile = Path.Combine(root, "zep-state.json");
        var settings = WithoutZep(ApiHost.Settings(root, api.Emulator));
        settings["Zep:Local"] = "true";
        settings["Emulator:ApiKey"] = "local-emulator-secret-4711";
        settings["Emulator:StateFile"] = stateFile;
        var logs = new CapturedLogs();

        var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings, b => b.Logging.AddProvider(logs));
        await app.StartAsync();
        var local = app.Services.GetRequiredService<LocalZep.LocalZep>();
        await app.StopAsync();
        await app.DisposeAsync();

        Assert.Equal(stateFile, local.StateFile);
        var notice = Assert.Single(logs.Lines, l => l.Contains("local emulator", StringComparison.Ordinal));
        Assert.Contains("Zep:Local=true", notice);
        Assert.Contains(stateFile, notice);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("local-emulator-secret-4711", StringComparison.Ordinal));
        Assert.True(File.Exists(stateFile), "the emulator saved its data when the API stopped");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stateFile));
    }

    [Theory]
    [InlineData("a key as well", "Zep:Local=true and ZEP_API_KEY are both set")]
    [InlineData("rabbitmq", "Zep:Local=true needs the whole pipeline in one process")]
    [InlineData("not a boolean", "Zep:Local must be true or false")]
    [InlineData("no key on rabbitmq", "set the ZEP_API_KEY environment variable, or Zep:Local=true")]
    public async Task A_local_switch_that_cannot_hold_is_refused_naming_the_setting(string situation, string message)
    {
        var settings = WithoutZep(ApiHost.Settings(Path.Combine(api.Root, "refuse-" + Guid.NewGuid().ToString("N")[..6]), api.Emulator));
        settings["Zep:Local"] = "true";
        switch (situation)
        {
            case "a key as well":
                settings["ZEP_API_KEY"] = "a-real-looking-key-0042";
                break;
            case "rabbitmq":
            case "no key on rabbitmq":
                settings["Pipeline:Bus"] = "rabbitmq";
                settings["ConnectionStrings:RabbitMq"] = "amqp://guest:guest@127.0.0.1:1/";
                settings["Ledger:Provider"] = "postgres";
                settings["ConnectionStrings:Ledger"] = "Host=127.0.0.1;Port=1;Database=none;Username=none";
                if (situation == "no key on rabbitmq") settings.Remove("Zep:Local");
                break;
            default:
                settings["Zep:Local"] = "yes please";
                break;
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings));

        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("a-real-looking-key-0042", error.Message);
    }

    private static Dictionary<string, string?> WithoutZep(Dictionary<string, string?> settings)
    {
        settings.Remove("ZEP_API_KEY");
        settings.Remove("Zep:BaseUrl");
        return settings;
    }
}

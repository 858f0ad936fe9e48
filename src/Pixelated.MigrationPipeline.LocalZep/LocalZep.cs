using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.LocalZep;

/// <summary>
/// A local ZepEmulator (settings from <c>Emulator:</c>) in place of Zep, and the settings that point the Zep client at it.
/// Only when asked: <c>Zep:Local=true</c>, or the CLI's one-process default without <c>ZEP_API_KEY</c>. Every other host
/// without a key refuses to start (<see cref="StartIfChosenAsync"/>), so a deployment that lost its key never migrates a
/// clinic into a throwaway Zep. With <c>Emulator:StateFile</c> its data outlives the process, and that file (not the
/// emulator's port, new each time) names this Zep in the ledger.
/// </summary>
public sealed class LocalZep : IAsyncDisposable
{
    /// <summary>The explicit switch: <c>Zep:Local=true</c> (environment <c>Zep__Local=true</c>).</summary>
    public const string LocalSetting = ZepOptions.Section + ":Local";

    private LocalZep(ZepEmulatorHost emulator, IReadOnlyDictionary<string, string?> settings)
    {
        Emulator = emulator;
        Settings = settings;
    }

    public ZepEmulatorHost Emulator { get; }

    /// <summary>Configuration for the pipeline: <c>Zep:BaseUrl</c>, the key, <c>Zep:Account</c>.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The full path of the file the emulator keeps its data in, or null when it keeps it in memory only.</summary>
    public string? StateFile => string.IsNullOrEmpty(Emulator.Options.StateFile) ? null : Path.GetFullPath(Emulator.Options.StateFile);

    /// <summary>One line for a person: where migrations go and where their data is (never the key).</summary>
    public string Notice => StateFile is { } file
        ? $"Zep: writing to a local emulator ({Reason}), not to Zep Cloud; its data is kept in {file}"
        : $"Zep: writing to a local emulator ({Reason}), not to Zep Cloud; its data is in memory only, gone when the process ends";

    private string Reason { get; init; } = "";

    /// <summary>
    /// Starts the local emulator when it is chosen, or returns null when a Zep key is configured (the Zep at
    /// <c>Zep:BaseUrl</c> is used). Refuses (<see cref="OptionsValidationException"/> naming the settings) when there is no
    /// key and the emulator was not chosen, when both are set, and when <c>Zep:Local=true</c> is given to a host that is
    /// not the whole pipeline in one process (a local emulator is private to its process; workers on RabbitMQ need a real Zep).
    /// </summary>
    /// <param name="inOneProcess">The pipeline runs whole in this process (in-memory bus).</param>
    /// <param name="localByDefault">No key means the local emulator (the CLI's one-process default); false everywhere else.</param>
    public static async Task<LocalZep?> StartIfChosenAsync(IConfiguration configuration, bool inOneProcess, bool localByDefault, CancellationToken ct)
    {
        var hasKey = !string.IsNullOrEmpty(configuration[ZepOptions.ApiKeyVariable]);
        var chosen = configuration[LocalSetting] switch
        {
            null or "" => false,
            var v when bool.TryParse(v, out var b) => b,
            _ => throw Refusal($"{LocalSetting} must be true or false."),
        };
        if (chosen && hasKey)
            throw Refusal($"{LocalSetting}=true and {ZepOptions.ApiKeyVariable} are both set: unset {ZepOptions.ApiKeyVariable} to write to a local emulator, or {LocalSetting} to write to Zep at {ZepOptions.Section}:BaseUrl.");
        if (hasKey) return null;
        if (chosen && !inOneProcess)
            throw Refusal($"{LocalSetting}=true needs the whole pipeline in one process (Pipeline:Bus=inmemory); with RabbitMQ set {ZepOptions.ApiKeyVariable}.");
        if (!chosen && !(localByDefault && inOneProcess))
            throw Refusal($"The Zep API key is missing: set the {ZepOptions.ApiKeyVariable} environment variable, or {LocalSetting}=true to write to a local emulator instead of Zep.");

        var options = configuration.GetSection(EmulatorOptions.SectionName).Get<EmulatorOptions>() ?? new EmulatorOptions();
        var emulator = await ZepEmulatorHost.StartAsync(options, ct);
        var settings = new Dictionary<string, string?>
        {
            [$"{ZepOptions.Section}:BaseUrl"] = emulator.ApiBaseUrl.AbsoluteUri,
            [ZepOptions.ApiKeyVariable] = options.ApiKey,
        };
        if (!string.IsNullOrEmpty(options.StateFile)) settings[$"{ZepOptions.Section}:Account"] = "local-emulator:" + Fingerprint(Path.GetFullPath(options.StateFile));
        return new LocalZep(emulator, settings) { Reason = chosen ? $"{LocalSetting}=true" : $"no {ZepOptions.ApiKeyVariable}" };
    }

    private static OptionsValidationException Refusal(string message) =>
        new(ZepOptions.Section, typeof(ZepOptions), [message]);

    private static string Fingerprint(string path) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16];

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

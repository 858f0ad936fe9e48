using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.LocalZep;

/// <summary>
/// The embedded mode's Zep: when <c>ZEP_API_KEY</c> is not set, a local ZepEmulator (settings from <c>Emulator:</c>), and
/// the settings that point the Zep client at it. With <c>Emulator:StateFile</c> its data outlives the process, and that
/// file (not the emulator's port, new each time) names this Zep in the ledger.
/// </summary>
public sealed class LocalZep : IAsyncDisposable
{
    private LocalZep(ZepEmulatorHost emulator, IReadOnlyDictionary<string, string?> settings)
    {
        Emulator = emulator;
        Settings = settings;
    }

    public ZepEmulatorHost Emulator { get; }

    /// <summary>Configuration for the pipeline: <c>Zep:BaseUrl</c>, the key, <c>Zep:Account</c>.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Null when a Zep key is configured (the real Zep at <c>Zep:BaseUrl</c> is used).</summary>
    public static async Task<LocalZep?> StartIfNeededAsync(IConfiguration configuration, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(configuration[ZepOptions.ApiKeyVariable])) return null;
        var options = configuration.GetSection(EmulatorOptions.SectionName).Get<EmulatorOptions>() ?? new EmulatorOptions();
        var emulator = await ZepEmulatorHost.StartAsync(options, ct);
        var settings = new Dictionary<string, string?>
        {
            [$"{ZepOptions.Section}:BaseUrl"] = emulator.ApiBaseUrl.AbsoluteUri,
            [ZepOptions.ApiKeyVariable] = options.ApiKey,
        };
        if (!string.IsNullOrEmpty(options.StateFile)) settings[$"{ZepOptions.Section}:Account"] = "local-emulator:" + Fingerprint(Path.GetFullPath(options.StateFile));
        return new LocalZep(emulator, settings);
    }

    private static string Fingerprint(string path) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16];

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

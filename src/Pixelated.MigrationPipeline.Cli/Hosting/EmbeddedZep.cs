using Microsoft.Extensions.Configuration;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>The local ZepEmulator the embedded mode starts when <c>ZEP_API_KEY</c> is not set.</summary>
public static class EmbeddedZep
{
    /// <summary>Starts the emulator unless a real Zep key is configured; adds the overrides that point the client at it.</summary>
    public static async Task<ZepEmulatorHost?> StartIfNeededAsync(IConfiguration configuration, IDictionary<string, string?> overrides, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(configuration[ZepOptions.ApiKeyVariable])) return null;
        var options = configuration.GetSection("Emulator").Get<EmulatorOptions>() ?? new EmulatorOptions();
        var host = await ZepEmulatorHost.StartAsync(options, ct);
        overrides["Zep:BaseUrl"] = host.ApiBaseUrl.AbsoluteUri;
        // The emulator's port changes every time; its data lives in the state file, so that file names this Zep in the ledger.
        if (!string.IsNullOrEmpty(options.StateFile)) overrides["Zep:Account"] = "local-emulator:" + PathFingerprint(options.StateFile);
        overrides[ZepOptions.ApiKeyVariable] = options.ApiKey;
        return host;
    }

    private static string PathFingerprint(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(path))))[..16];
}

using Microsoft.Extensions.Configuration;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>The configuration a command sees before its host exists (to choose the mode and whether to start the emulator).</summary>
public static class CliConfiguration
{
    public static IConfiguration Load() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();
}

using MassTransit;

namespace Pixelated.MigrationPipeline.Components.Hosting;

internal static class KillSwitchExtensions
{
    /// <summary>
    /// When most messages fail (Zep or the ledger is down), stop consuming for a while instead of burning retries: the
    /// messages stay queued and consumption resumes by itself after the restart timeout.
    /// </summary>
    public static void UseZepOutageKillSwitch(this IBusFactoryConfigurator cfg) =>
        cfg.UseKillSwitch(options => options
            .SetActivationThreshold(10)
            .SetTripThreshold(0.5)
            .SetRestartTimeout(s: 30));
}

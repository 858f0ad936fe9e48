using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Cli.Commands;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>
/// Runs a command's work inside a host: the whole pipeline (in one process, the embedded ZepEmulator unless <c>ZEP_API_KEY</c> is set),
/// or the ledger alone for commands that only read or change the ledger. Failures to start become exit code 1 with one line.
/// </summary>
public static class CliSession
{
    public static async Task<int> WithPipelineAsync(string bus, bool verbose, TextWriter error, Func<IServiceProvider, CancellationToken, Task<int>> work,
        CancellationToken ct)
    {
        var configuration = CliConfiguration.Load();
        var overrides = CliHost.ModeOverrides(bus, configuration);
        try
        {
            // One process without ZEP_API_KEY: a local emulator, and a line on standard error that says so and where its data is.
            // With RabbitMQ, as on every deployed host, no key means refusal unless Zep:Local=true.
            await using var localZep = await LocalZep.LocalZep.StartIfChosenAsync(configuration, inOneProcess: bus != "rabbitmq", localByDefault: true, ct);
            if (localZep is not null) await error.WriteLineAsync(localZep.Notice);
            foreach (var (key, value) in localZep?.Settings ?? new Dictionary<string, string?>()) overrides[key] = value;
            using var host = CliHost.BuildPipeline(overrides, verbose);
            await host.StartAsync(ct);
            try
            {
                return await work(host.Services, ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"error: the command could not run: {CliErrors.Describe(e)}");
            return ExitCodes.CouldNotRun;
        }
    }

    public static async Task<int> WithLedgerAsync(string bus, TextWriter error, Func<IServiceProvider, CancellationToken, Task<int>> work, CancellationToken ct)
    {
        try
        {
            using var host = CliHost.BuildLedgerOnly(CliHost.ModeOverrides(bus, CliConfiguration.Load()));
            await host.StartAsync(ct);
            try
            {
                await using var scope = host.Services.CreateAsyncScope();
                return await work(scope.ServiceProvider, ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"error: {CliErrors.Describe(e)}");
            return ExitCodes.CouldNotRun;
        }
    }
}

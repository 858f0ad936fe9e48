using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Worker.Hosting;

try
{
    var host = await MigrationWorker.BuildAsync(args);
    await host.RunAsync(); // disposes the host (and the local emulator, if any, saving its state)
    return 0;
}
catch (OptionsValidationException e)
{
    // A setting is missing or wrong (e.g. no ZEP_API_KEY): say which, without a stack trace.
    await Console.Error.WriteLineAsync($"The migration worker cannot start: {string.Join(" ", e.Failures)}");
    return 1;
}

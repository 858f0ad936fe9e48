using Microsoft.Extensions.Options;
using Pixelated.MemoryService.Hosting;

if (args is ["token", ..]) return DevTokenCommand.Run(args[1..]);
try
{
    await using var app = await MemoryServiceHost.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A setting is missing or wrong (no signing key, no Zep key...): say which, without a stack trace.
    await Console.Error.WriteLineAsync($"The memory service cannot start: {string.Join(" ", e.Failures)}");
    return 1;
}

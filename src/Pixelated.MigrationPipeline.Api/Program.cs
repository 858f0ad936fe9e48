using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Hosting;

try
{
    await using var app = await MigrationApi.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A setting is missing or wrong (e.g. no Api:Keys): say which, without a stack trace.
    await Console.Error.WriteLineAsync($"The migration API cannot start: {string.Join(" ", e.Failures)}");
    return 1;
}

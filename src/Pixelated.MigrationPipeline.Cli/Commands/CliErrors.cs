using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Cli.Commands;

internal static class CliErrors
{
    /// <summary>A one-line reason for a failure to run. Options errors name the setting; others give the exception's type and message.</summary>
    public static string Describe(Exception e) => e switch
    {
        OptionsValidationException o => string.Join("; ", o.Failures),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException!),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}

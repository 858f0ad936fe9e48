using Microsoft.Extensions.Options;

namespace Pixelated.ZepEmulator;

/// <summary>Settings of the emulator, bound from the <c>Emulator</c> configuration section.</summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>The only key accepted in <c>Authorization: Api-Key &lt;key&gt;</c>.</summary>
    public string ApiKey { get; set; } = "local-emulator-key";

    /// <summary>Requests per fixed, minute-aligned window; 0 = unlimited.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Delay added to every /api/v2 request, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Fault injection (<c>Emulator:Faults</c>). The emulator's instance is live: see <see cref="ZepEmulatorHost.Faults"/>.</summary>
    public EmulatorFaultOptions Faults { get; set; } = new();

    /// <summary>Batch API settings (<c>Emulator:Batch</c>).</summary>
    public EmulatorBatchOptions Batch { get; set; } = new();

    /// <summary>
    /// A file the data is loaded from at start and saved to at stop (users, threads, messages, episodes), so that a local
    /// emulator outlives its process; empty keeps everything in memory only.
    /// </summary>
    public string? StateFile { get; set; }

    internal EmulatorOptions Copy() => new()
    {
        ApiKey = ApiKey,
        RequestsPerMinute = RequestsPerMinute,
        LatencyMs = LatencyMs,
        Faults = Faults?.Clone() ?? new EmulatorFaultOptions(),
        Batch = Batch?.Clone() ?? new EmulatorBatchOptions(),
        StateFile = StateFile,
    };
}

/// <summary>Validates <see cref="EmulatorOptions"/> when the emulator starts.</summary>
public sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add("Emulator:ApiKey must not be empty.");
        }

        if (options.RequestsPerMinute < 0)
        {
            failures.Add("Emulator:RequestsPerMinute must be 0 (unlimited) or positive.");
        }

        if (options.LatencyMs < 0)
        {
            failures.Add("Emulator:LatencyMs must not be negative.");
        }

        if (options.Faults is null)
        {
            failures.Add("Emulator:Faults must not be null.");
        }
        else
        {
            failures.AddRange(options.Faults.Validate());
        }

        if (options.Batch is null)
        {
            failures.Add("Emulator:Batch must not be null.");
        }
        else if (!(options.Batch.ItemsPerSecond >= 0) || double.IsInfinity(options.Batch.ItemsPerSecond))
        {
            failures.Add("Emulator:Batch:ItemsPerSecond must be 0 (as fast as possible) or a positive number.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

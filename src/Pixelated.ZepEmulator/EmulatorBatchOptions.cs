namespace Pixelated.ZepEmulator;

/// <summary>Batch API settings, bound from <c>Emulator:Batch</c>.</summary>
public sealed class EmulatorBatchOptions
{
    public const string SectionName = "Batch";

    /// <summary>When false no /batches route exists (every one answers 404), as for an account without the Batch API. Read at start.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Processing speed of the background worker in items per second; 0 = as fast as possible.</summary>
    public double ItemsPerSecond { get; set; }

    /// <summary>When false the deprecated <c>POST /graph-batch</c> is not served (404), as for a deployment that dropped it. Read at start.</summary>
    public bool GraphBatchEnabled { get; set; } = true;

    public EmulatorBatchOptions Clone() => new() { Enabled = Enabled, ItemsPerSecond = ItemsPerSecond, GraphBatchEnabled = GraphBatchEnabled };
}

using System.Globalization;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Dashboard;

/// <summary>How the dashboard writes statuses, times, durations and rates (the API's wire names for statuses; UTC times).</summary>
public static class Fmt
{
    public static string Status<TEnum>(TEnum status) where TEnum : struct, Enum => StatusNames.ToWire(status);

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || double.IsInfinity(s)) return "—";
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Round(s)));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:D2}s" : $"{t.Seconds}s";
    }

    public static string Number(double value) => value.ToString("#,0.#", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>The width of a progress bar, invariant (a CSS value).</summary>
    public static string Width(double percent) => Math.Clamp(percent, 0, 100).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The id's last 8 hex digits: its first ones are a time stamp, shared by runs started close together.</summary>
    public static string Short(Guid id) => id.ToString("N")[^8..];

    public static bool IsFinished(RunStatus s) => s is RunStatus.Completed or RunStatus.CompletedWithErrors or RunStatus.Failed
        or RunStatus.DryRunCompleted or RunStatus.Cancelled;
}

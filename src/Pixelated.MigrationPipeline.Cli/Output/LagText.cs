namespace Pixelated.MigrationPipeline.Cli.Output;

/// <summary>A lag or an age as an operator reads it: <c>45 s</c>, <c>12 min</c>, <c>3 h 05 min</c>, <c>2 d 4 h</c>.</summary>
public static class LagText
{
    public static string Of(double? seconds)
    {
        if (seconds is not { } s) return "no finished sync";
        var t = TimeSpan.FromSeconds(Math.Max(s, 0));
        if (t.TotalMinutes < 1) return $"{(int)t.TotalSeconds} s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes} min";
        if (t.TotalDays < 1) return $"{(int)t.TotalHours} h {t.Minutes:00} min";
        return $"{(int)t.TotalDays} d {t.Hours} h";
    }
}

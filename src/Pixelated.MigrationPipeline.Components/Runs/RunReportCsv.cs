using System.Globalization;
using System.Text;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// A run report as CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, a quote or a
/// line break, quotes doubled): one row per user (its mem0 id under <c>user</c>, the Zep user id it is written under, its
/// role, and whether <c>--update-users</c> patched it), one per failed or skipped item, one per validation finding, and one
/// (<c>deleted_in_zep</c>, status <c>migrated</c>, kind <c>deleted_in_source</c>) per memory deleted in the source whose
/// episodes the run deleted in Zep (<c>--propagate-deletes</c>).
/// Keys, statuses (by their snake_case wire names, <see cref="StatusNames"/>) and reasons only, never content (the report holds none).
/// </summary>
public static class RunReportCsv
{
    public const string ContentType = "text/csv";

    public static readonly string[] Header = ["record", "user", "status", "items", "item_key", "file", "record_index", "kind", "field", "reason",
        "zep_user_id", "role", "updated"];

    public static async Task WriteAsync(RunReport report, TextWriter writer, CancellationToken ct = default)
    {
        await WriteRowAsync(writer, Header);
        foreach (var u in report.UserLines)
        {
            ct.ThrowIfCancellationRequested();
            await WriteRowAsync(writer, ["user", u.User, StatusNames.ToWire(u.Status), u.Items.ToString(CultureInfo.InvariantCulture), "", "", "", "", "", u.Error,
                u.ZepUserId ?? u.User, u.Role, u.Updated ? "true" : "false"]);
        }
        foreach (var p in report.Problems)
        {
            ct.ThrowIfCancellationRequested();
            await WriteRowAsync(writer, ["item", p.User, StatusNames.ToWire(p.Status), "", p.ItemKey, p.File, p.Record.ToString(CultureInfo.InvariantCulture), "", "", p.Reason, "", "", ""]);
        }
        foreach (var f in report.Findings)
        {
            ct.ThrowIfCancellationRequested();
            await WriteRowAsync(writer, ["finding", f.User, "", "", f.ItemKey, "", "", f.Kind, f.Field, "", "", "", ""]);
        }
        foreach (var d in report.Sync.DeletedInZep)
        {
            ct.ThrowIfCancellationRequested();
            await WriteRowAsync(writer, ["deleted_in_zep", d.User, StatusNames.ToWire(ItemStatus.Migrated), "", d.ItemKey, "", "", "deleted_in_source", "", "", "", "", ""]);
        }
        await writer.FlushAsync(ct);
    }

    public static string Write(RunReport report)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteAsync(report, writer).GetAwaiter().GetResult();
        return writer.ToString();
    }

    /// <summary>
    /// One field as RFC 4180 wants it. A field a spreadsheet would run as a formula (starting with <c>= + - @</c>, tab or
    /// carriage return: user ids and reasons come from the export) is prefixed with <c>'</c>, as OWASP advises.
    /// </summary>
    public static string Quote(string? field)
    {
        if (string.IsNullOrEmpty(field)) return "";
        if ("=+-@\t\r".Contains(field[0])) field = "'" + field;
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0) return field;
        return "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> fields)
    {
        var line = new StringBuilder();
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) line.Append(',');
            line.Append(Quote(fields[i]));
        }
        line.Append("\r\n");
        return writer.WriteAsync(line.ToString());
    }
}

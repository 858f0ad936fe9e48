using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using YamlDotNet.RepresentationModel;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>
/// deploy/grafana and deploy/prometheus against the code: every Prometheus query of the dashboard and every alert rule
/// names metrics the code exports (derived from the instruments in the source, named as OpenTelemetry's Prometheus
/// exporter names them), and every SQL query of the dashboard runs on a ledger built by the ledger's migrations, so it
/// names only views and columns that exist.
/// </summary>
public sealed partial class Grafana_and_alerts
{
    private const string Dashboard = "deploy/grafana/dashboards/pixelated-migration.json";

    [Fact]
    public void The_dashboard_parses_and_each_panel_has_a_query_on_a_provisioned_data_source()
    {
        var panels = Panels();
        Assert.True(panels.Count >= 10, $"{panels.Count} panels");
        var provisioned = Repo.Read("deploy/grafana/provisioning/datasources/datasources.yml");
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            var uid = panel.GetProperty("datasource").GetProperty("uid").GetString()!;
            Assert.Contains($"uid: {uid}", provisioned);
            Assert.True(panel.GetProperty("targets").GetArrayLength() > 0, $"{title}: no query");
        }
        Assert.Contains("path: /var/lib/grafana/dashboards", Repo.Read("deploy/grafana/provisioning/dashboards/dashboards.yml"));
    }

    [Fact]
    public void Every_prometheus_query_names_metrics_the_code_exports()
    {
        var exported = ExportedMetrics();
        var queries = Targets().Select(t => t.TryGetProperty("expr", out var e) ? e.GetString() : null).OfType<string>().ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var named = MetricName().Matches(query).Select(m => m.Value).ToList();
            Assert.True(named.Count > 0, $"names no pipeline metric: {query}");
            Assert.All(named, n => Assert.True(exported.Contains(n), $"{n} (in {query}) is not exported; exported: {string.Join(", ", exported.Order())}"));
        }
        // Everything the issue asks for is on the dashboard.
        var all = string.Join("\n", queries);
        foreach (var metric in new[] { "pixelated_migration_items_total", "pixelated_zep_request_duration_seconds_bucket", "pixelated_zep_rate_limited_total",
                     "pixelated_zep_rate_budget_wait_seconds_count", "pixelated_migration_users_in_flight", "pixelated_bus_dead_letter_messages",
                     "pixelated_ingest_bytes_total", "pixelated_zep_circuit_open" })
            Assert.Contains(metric, all);
    }

    [Fact]
    public async Task Every_sql_query_runs_on_the_ledgers_views()
    {
        var queries = Targets().Select(t => t.TryGetProperty("rawSql", out var s) ? s.GetString() : null).OfType<string>().ToList();
        Assert.True(queries.Count >= 3);
        var file = Path.Combine(Path.GetTempPath(), $"pixelated-grafana-{Guid.NewGuid():N}.db");
        try
        {
            var builder = new DbContextOptionsBuilder<SqliteLedgerDbContext>();
            builder.UseLedgerSqlite($"Data Source={file}");
            var options = builder.Options;
            await using (var db = new SqliteLedgerDbContext(options)) await db.Database.MigrateAsync();
            await using var connection = new SqliteConnection($"Data Source={file}");
            await connection.OpenAsync();
            foreach (var sql in queries)
            {
                Assert.Matches(@"\bFROM v_(migration_runs|migration_users|migration_item_problems|validation_findings)\b", sql);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await using var reader = await command.ExecuteReaderAsync(); // an unknown view or column fails here
                Assert.True(reader.FieldCount > 0);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public void The_alert_rules_parse_and_name_exported_metrics()
    {
        var exported = ExportedMetrics();
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Repo.Read("deploy/prometheus/alerts.yml")));
        var rules = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"])
            .Cast<YamlMappingNode>().SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>()).ToList();
        var alerts = rules.ToDictionary(r => r["alert"].ToString(), r => r["expr"].ToString());
        Assert.Equal(["DeadLetterQueueNotEmpty", "MigrationRunStalled", "ZepCircuitOpen", "ZepRateLimitedOften"], alerts.Keys.Order());
        foreach (var (alert, expr) in alerts)
        {
            var named = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.True(named.Count > 0, alert);
            Assert.All(named, n => Assert.True(exported.Contains(n), $"{alert}: {n} is not exported"));
        }
        Assert.Contains("[10m]", alerts["MigrationRunStalled"]);
        Assert.Contains("pixelated_migration_users_in_flight", alerts["MigrationRunStalled"]);
        Assert.Contains("alerts.yml", Repo.Read("deploy/prometheus/prometheus.yml"));
    }

    [Fact]
    public void Prometheus_and_Grafana_start_only_with_the_observability_profile()
    {
        var compose = Repo.Read("docker-compose.yml");
        foreach (var service in new[] { "prometheus", "grafana" })
            Assert.Matches($@"\n  {service}:\n(    .*\n)*?    profiles: \[""observability""\]", compose);
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning", compose);
        Assert.Contains("./deploy/prometheus/alerts.yml:", compose);
    }

    /// <summary>
    /// The Prometheus names of the pipeline's instruments, from their declarations in the source (name and unit), as the
    /// OpenTelemetry Prometheus exporter writes them: dots to underscores, the unit's suffix (s: seconds, By: bytes; none
    /// for 1 and {annotations}), counters _total, histograms _bucket/_sum/_count.
    /// </summary>
    private static HashSet<string> ExportedMetrics()
    {
        var source = Repo.SourcesOf("Pixelated.MigrationPipeline.Zep") + Repo.SourcesOf("Pixelated.MigrationPipeline.Components");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Instrument().Matches(source))
        {
            var (kind, name, unit) = (m.Groups["kind"].Value, m.Groups["name"].Value, m.Groups["unit"].Value);
            var baseName = name.Replace('.', '_');
            var suffix = unit switch { "s" => "_seconds", "By" => "_bytes", _ => "" };
            if (!baseName.EndsWith(suffix, StringComparison.Ordinal)) baseName += suffix;
            switch (kind)
            {
                case "Counter": names.Add(baseName + "_total"); break;
                case "Histogram": foreach (var part in new[] { "_bucket", "_sum", "_count" }) names.Add(baseName + part); break;
                default: names.Add(baseName); break;
            }
        }
        Assert.True(names.Count >= 8, string.Join(", ", names));
        return names;
    }

    private static List<JsonElement> Panels()
    {
        using var document = JsonDocument.Parse(Repo.Read(Dashboard));
        return document.RootElement.GetProperty("panels").EnumerateArray().Select(p => p.Clone()).ToList();
    }

    private static IEnumerable<JsonElement> Targets() => Panels().SelectMany(p => p.GetProperty("targets").EnumerateArray());

    [GeneratedRegex(@"\bpixelated_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"Create(?<kind>Counter|Histogram|ObservableGauge|UpDownCounter)(<\w+>)?\(""(?<name>pixelated\.[a-z_.]+)"",[^;]*?unit: ""(?<unit>[^""]*)""")]
    private static partial Regex Instrument();
}

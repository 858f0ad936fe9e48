using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

/// <summary>
/// Metrics and traces of real runs through the API: <c>/metrics</c> counts what the report counts, one run is one trace
/// from the POST through every consumer and Zep call, and no user id or text reaches a span, a metric label or a log.
/// </summary>
[Collection(ObservedCollection.Name)]
public sealed class Observing_a_run(TracedApiHost api) : IClassFixture<TracedApiHost>
{
    [Fact]
    public async Task Metrics_count_the_items_of_the_run_as_its_report_does()
    {
        var before = ItemCounters(await ScrapeAsync());
        var prefix = Exports.Prefix();
        // 3 users of 2 memories, a record without a user (failed), and the sample (alice: 4 memories, 1 expired: skipped).
        var runId = await StartAsync([("export.json", Exports.Platform(prefix, users: 3, withBadRecord: true)), ("sample.json", await File.ReadAllTextAsync(Exports.Sample))]);
        var run = await WaitFinishedAsync(runId);

        var items = run.GetProperty("items");
        var metrics = await ScrapeAsync();
        var after = ItemCounters(metrics);
        foreach (var outcome in new[] { "migrated", "skipped", "failed" })
            Assert.True(items.GetProperty(outcome).GetInt32() == after.GetValueOrDefault(outcome) - before.GetValueOrDefault(outcome),
                $"{outcome}: report {items.GetProperty(outcome)}, metrics {after.GetValueOrDefault(outcome)} - {before.GetValueOrDefault(outcome)}\n{metrics}");
        Assert.True(items.GetProperty("migrated").GetInt32() > 0 && items.GetProperty("skipped").GetInt32() > 0 && items.GetProperty("failed").GetInt32() > 0);

        // The Zep client's metrics name route templates, never a path with an id.
        var routes = Regex.Matches(metrics, "pixelated_zep_request_duration_seconds_count\\{[^}]*route=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("/users", routes);
        Assert.Contains("/users/{id}", routes);
        Assert.All(routes, r => Assert.Matches("^(other|/[a-z\\-]+(/(\\{id\\}|[a-z\\-]+))*)$", r));
        Assert.Contains("pixelated_ingest_bytes_total", metrics);
        Assert.Contains("pixelated_migration_users_in_flight", metrics);
        Assert.Contains("pixelated_zep_circuit_open", metrics);
    }

    [Fact]
    public async Task One_run_is_one_trace_from_the_post_through_every_user_to_its_validation()
    {
        var runId = await StartAsync([("export.json", Exports.Platform(Exports.Prefix(), users: 2))]);
        await WaitFinishedAsync(runId);

        var post = await EventuallyAsync(() => api.FinishedSpans().SingleOrDefault(s =>
            s.Kind == ActivityKind.Server && (string?)s.GetTagItem("pixelated.run_id") == runId.ToString()), "the POST's span");
        Assert.Equal("POST", post.GetTagItem("http.request.method"));
        var trace = post.TraceId;

        bool Consumed(Activity s, string message) => s.TraceId == trace && s.Kind == ActivityKind.Consumer
            && ((s.GetTagItem("messaging.masstransit.message_types") as string)?.Contains(message, StringComparison.Ordinal) ?? false);
        var spans = await EventuallyAsync(() =>
        {
            var all = api.FinishedSpans().Where(s => s.TraceId == trace).ToList();
            return all.Count(s => Consumed(s, ":ValidateUser")) >= 2 ? all : null;
        }, "both users' ValidateUser consumed in the POST's trace");

        Assert.Contains(spans, s => Consumed(s, ":IngestExport"));
        // One MigrateUser message per user (MassTransit's receive and consume spans of a message share its id).
        var migrations = spans.Where(s => Consumed(s, ":MigrateUser")).ToList();
        Assert.True(2 == migrations.Select(s => s.GetTagItem("messaging.masstransit.message_id")).Distinct().Count(), string.Join("\n", migrations.Select(Describe)));
        // The Zep calls: client spans under a MigrateUser (creating users, threads, writing) and under a ValidateUser (reading back).
        var zepCalls = spans.Where(s => s.Kind == ActivityKind.Client && s.GetTagItem("url.template") is string).ToList();
        Assert.Contains(zepCalls, c => c.GetTagItem("url.template") as string == "/users" && HasAncestor(c, spans, s => Consumed(s, ":MigrateUser")));
        Assert.Contains(zepCalls, c => HasAncestor(c, spans, s => Consumed(s, ":ValidateUser")));
        // Every span of the trace hangs from the POST (but the test's own HttpClient span, the POST's caller, in this process too).
        Assert.All(spans.Where(s => s != post && s.SpanId != post.ParentSpanId), s => Assert.True(HasAncestor(s, spans, a => a == post), $"{s.DisplayName} is not under the POST"));
    }

    [Fact]
    public async Task No_user_id_or_text_reaches_a_span_a_metric_label_or_a_log()
    {
        var marker = "mk" + Guid.NewGuid().ToString("N")[..10];
        var userMarker = $"patient.{marker}@example.org";
        var textMarker = $"MEMORYTEXT{marker}";
        var export = JsonSerializer.Serialize(new
        {
            count = 4, next = (string?)null, previous = (string?)null,
            results = Enumerable.Range(0, 4).Select(i => new Dictionary<string, object?>
            {
                ["id"] = $"{marker}-m{i}", ["memory"] = $"{textMarker} {i}: talked about the week.",
                ["user_id"] = $"{userMarker}{i % 2}", ["created_at"] = "2026-01-02T10:00:00Z", ["structured_attributes"] = null,
            }),
        });
        var runId = await StartAsync([("export.json", export)]);
        var run = await WaitFinishedAsync(runId);
        Assert.Equal(4, run.GetProperty("items").GetProperty("migrated").GetInt32());
        await EventuallyAsync(() => api.FinishedSpans().Any(s => s.TraceId == TraceOf(runId) &&
            ((s.GetTagItem("messaging.masstransit.message_types") as string)?.Contains(":ValidateUser", StringComparison.Ordinal) ?? false)) ? true : (bool?)null,
            "the run's validations traced");

        string[] markers = [marker, Uri.EscapeDataString(userMarker), "patient.", "MEMORYTEXT"];
        var spans = api.FinishedSpans();
        Assert.NotEmpty(spans);
        foreach (var span in spans)
        {
            var text = Describe(span);
            Assert.False(markers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)), $"a span names a user or a text: {text}");
        }
        var metrics = await ScrapeAsync();
        Assert.False(markers.Any(m => metrics.Contains(m, StringComparison.OrdinalIgnoreCase)), $"a metric names a user or a text: {metrics}");
        Assert.True(api.Logs.Lines.Count > 0);
        var leaking = api.Logs.Lines.Where(l => markers.Any(m => l.Contains(m, StringComparison.OrdinalIgnoreCase))).Take(5);
        Assert.False(leaking.Any(), "a log line or scope names a user or a text: " + string.Join("\n", leaking));
    }

    private ActivityTraceId TraceOf(Guid runId) =>
        api.FinishedSpans().FirstOrDefault(s => (string?)s.GetTagItem("pixelated.run_id") == runId.ToString())?.TraceId ?? default;

    private static string Describe(Activity span)
    {
        var text = new StringBuilder();
        text.Append(span.DisplayName).Append(' ').Append(span.OperationName).Append(' ').Append(span.StatusDescription).Append(' ');
        foreach (var tag in span.TagObjects) text.Append(tag.Key).Append('=').Append(tag.Value).Append(' ');
        foreach (var e in span.Events)
        {
            text.Append(e.Name).Append(' ');
            foreach (var tag in e.Tags) text.Append(tag.Key).Append('=').Append(tag.Value).Append(' ');
        }
        foreach (var link in span.Links)
            foreach (var tag in link.Tags ?? []) text.Append(tag.Key).Append('=').Append(tag.Value).Append(' ');
        foreach (var item in span.Baggage) text.Append(item.Key).Append('=').Append(item.Value).Append(' ');
        return text.ToString();
    }

    private static bool HasAncestor(Activity span, List<Activity> spans, Func<Activity, bool> ancestor)
    {
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var parent = span.ParentSpanId;
        for (var depth = 0; depth < 100 && byId.TryGetValue(parent, out var p); depth++)
        {
            if (ancestor(p)) return true;
            parent = p.ParentSpanId;
        }
        return false;
    }

    private async Task<Guid> StartAsync(IEnumerable<(string Name, string Json)> files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, json) in files)
        {
            var part = new StringContent(json, Encoding.UTF8, "application/json");
            form.Add(part, "files", name);
        }
        using var client = api.Client();
        var response = await client.PostAsync("api/v1/migrations", form);
        return (await response.AssertAcceptedAsync()).GetProperty("runId").GetGuid();
    }

    private async Task<JsonElement> WaitFinishedAsync(Guid runId)
    {
        using var client = api.Client();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await (await client.GetAsync($"api/v1/migrations/{runId}")).JsonAsync();
            if (run.GetProperty("finishedAt").ValueKind != JsonValueKind.Null) return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {runId} not finished: {run}");
            await Task.Delay(50);
        }
    }

    private async Task<string> ScrapeAsync()
    {
        using var client = api.Client(key: null); // /metrics needs no key, as Prometheus scrapes it
        var response = await client.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/metrics answered {(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>pixelated_migration_items_total by outcome, summed over its other labels.</summary>
    private static Dictionary<string, long> ItemCounters(string metrics) =>
        Regex.Matches(metrics, "^pixelated_migration_items_total\\{([^}]*)\\} ([0-9.e+]+)", RegexOptions.Multiline)
            .Select(m => (Outcome: Regex.Match(m.Groups[1].Value, "outcome=\"([^\"]*)\"").Groups[1].Value,
                          Value: (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .GroupBy(c => c.Outcome).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what, int seconds = 20) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not seen in {seconds} s");
            await Task.Delay(100);
        }
    }

    private static async Task<bool> EventuallyAsync(Func<bool?> probe, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (probe() == true) return true;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not seen in {seconds} s");
            await Task.Delay(100);
        }
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The straightforward migrator a simple script would be: one request per memory, one add-messages call per message,
/// no concurrency, no batching, no idempotency. Measured against the same emulator settings as the pipeline.
/// <c>maxUsers</c> limits it to the first users of the export (all their items): its rate per item does not depend on how
/// many users there are, and a long pipeline run need not wait for an equally long baseline.
/// </summary>
public static class BaselineMigrator
{
    public sealed record Result(long Items, long Requests, double Seconds);

    public static async Task<Result> RunAsync(IReadOnlyList<string> files, Uri apiBase, string apiKey, int maxUsers = int.MaxValue)
    {
        using var http = new HttpClient { BaseAddress = apiBase };
        http.DefaultRequestHeaders.Add("Authorization", $"Api-Key {apiKey}");
        var users = new HashSet<string>();
        var threads = new HashSet<string>();
        long items = 0, requests = 0;
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            await foreach (var outcome in new Mem0ExportReader().ReadAsync(file))
            {
                if (outcome is not ItemRead { Item: var item } || item.InactiveReason is not null) continue;
                if (!users.Contains(item.UserId) && users.Count >= maxUsers) continue;
                if (users.Add(item.UserId)) { await SendAsync(() => http.PostAsJsonAsync("users", new { user_id = item.UserId })); requests++; }
                if (item.Kind == SourceItemKind.Memory)
                {
                    await SendAsync(() => http.PostAsJsonAsync("graph", new { user_id = item.UserId, type = "text", data = Trim(item.Content, 10_000), created_at = item.CreatedAt }));
                }
                else
                {
                    var thread = $"baseline-{item.UserId}-{item.SessionId}";
                    if (threads.Add(thread)) { await SendAsync(() => http.PostAsJsonAsync("threads", new { thread_id = thread, user_id = item.UserId })); requests++; }
                    var role = item.Role is "user" or "assistant" or "system" or "tool" or "function" ? item.Role : "user";
                    await SendAsync(() => http.PostAsJsonAsync($"threads/{Uri.EscapeDataString(thread)}/messages",
                        new { messages = new[] { new { role, content = Trim(item.Content, 4_096), created_at = item.CreatedAt } } }));
                }
                requests++;
                items++;
            }
        }
        return new Result(items, requests, watch.Elapsed.TotalSeconds);
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>Sends; on 429 waits <c>Retry-After</c> and sends again (even a simple script must, under a rate limit).</summary>
    private static async Task SendAsync(Func<Task<HttpResponseMessage>> call)
    {
        while (true)
        {
            using var response = await call();
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests) return;
            await Task.Delay(TimeSpan.FromSeconds(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1));
        }
    }
}

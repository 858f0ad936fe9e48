using System.Text.Json;

namespace Pixelated.MigrationPipeline.Api.Tests.Support;

/// <summary>Export files for the tests: the checked-in sample, and generated Platform v3 pages with users unique to a test.</summary>
public static class Exports
{
    /// <summary>A copy of samples/platform-v3-page1.json (user <c>alice</c>: 4 memories, 1 expired).</summary>
    public static string Sample => Path.Combine(AppContext.BaseDirectory, "Exports", "platform-v3-page1.json");

    /// <summary>A Platform v3 page with <paramref name="users"/> users of <paramref name="memories"/> memories each, user ids
    /// <c>{prefix}-uNN</c>; plus one record without a user (a failed item) when <paramref name="withBadRecord"/>.</summary>
    public static string Platform(string prefix, int users, int memories = 2, bool withBadRecord = false)
    {
        var results = new List<object>();
        for (var u = 0; u < users; u++)
        for (var m = 0; m < memories; m++)
            results.Add(new Dictionary<string, object?>
            {
                ["id"] = $"{prefix}-m{u:D2}-{m}",
                ["memory"] = $"Memory {m} of user {u}.",
                ["user_id"] = $"{prefix}-u{u:D2}",
                ["created_at"] = $"2026-01-{1 + m % 28:D2}T10:00:00Z",
                ["structured_attributes"] = null,
            });
        if (withBadRecord)
            results.Add(new Dictionary<string, object?> { ["id"] = $"{prefix}-orphan", ["memory"] = "No owner.", ["created_at"] = "2026-01-01T00:00:00Z" });
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["count"] = results.Count, ["next"] = null, ["previous"] = null, ["results"] = results });
    }

    public static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..10];
}

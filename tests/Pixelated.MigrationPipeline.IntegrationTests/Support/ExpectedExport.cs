using System.Globalization;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>
/// The test's own reading of the fixture exports (independent of the product's readers): which memories and
/// conversation messages must end up in Zep, with their original instants.
/// </summary>
public sealed class ExpectedExport
{
    public sealed record Memory(string User, string Id, string Text, DateTimeOffset CreatedAt);
    public sealed record Message(string User, string Role, string Content, DateTimeOffset CreatedAt);

    public List<Memory> Memories { get; } = [];
    public List<Memory> Skipped { get; } = [];
    public List<Message> Messages { get; } = [];

    public IEnumerable<string> Users => Memories.Select(m => m.User).Concat(Messages.Select(m => m.User)).Distinct();

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static ExpectedExport Load(params string[] fixtureNames) => LoadFiles(fixtureNames.Select(FixturePath).ToArray());

    public static ExpectedExport LoadFiles(params string[] paths)
    {
        var expected = new ExpectedExport();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var path in paths)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
                {
                    var memory = new Memory(r.GetProperty("user_id").GetString()!, r.GetProperty("id").GetString()!,
                        r.GetProperty("memory").GetString()!, Instant(r.GetProperty("created_at").GetString()!));
                    var expired = r.TryGetProperty("expiration_date", out var e) && e.ValueKind == JsonValueKind.String
                                  && DateOnly.Parse(e.GetString()!, CultureInfo.InvariantCulture) < today;
                    (expired ? expected.Skipped : expected.Memories).Add(memory);
                }
            }
            else
            {
                foreach (var row in doc.RootElement.EnumerateArray())
                {
                    var user = row.GetProperty("user_id").GetString()!;
                    var at = Instant(row.GetProperty("created_at").GetString()!);
                    foreach (var m in row.GetProperty("input").EnumerateArray())
                        expected.Messages.Add(new Message(user, m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!, at));
                }
            }
        }
        return expected;
    }

    private static DateTimeOffset Instant(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture).ToUniversalTime();
}

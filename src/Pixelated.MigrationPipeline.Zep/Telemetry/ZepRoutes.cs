namespace Pixelated.MigrationPipeline.Zep.Telemetry;

/// <summary>
/// The route template of a Zep request (<c>/users/{id}/threads</c>): what metric labels and span attributes carry instead
/// of the path, whose segments are user ids (often e-mail addresses), thread ids and episode ids. Matched by segment
/// against the routes <see cref="ZepClient"/> and <see cref="Health.ZepHealthCheck"/> call; anything else is <c>other</c>.
/// </summary>
public static class ZepRoutes
{
    public const string Other = "other";

    private static readonly string[][] Templates =
    [
        ["users"], ["users", "{id}"], ["users", "{id}", "threads"], ["users-ordered"],
        ["threads"], ["threads", "{id}"], ["threads", "{id}", "messages"],
        ["graph"], ["graph-batch"], ["graph", "episodes", "{id}"], ["graph", "episodes", "user", "{id}"],
        ["batches"], ["batches", "{id}"], ["batches", "{id}", "items"], ["batches", "{id}", "process"],
    ];

    /// <summary>The template of <paramref name="uri"/>'s path below the API root (<c>/api/v2</c>); never a query.</summary>
    public static string TemplateOf(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri) return Other;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // The API root's own segments (api, v2) come first; the route is what follows them.
        var start = Array.IndexOf(segments, "v2") is var v2 and >= 0 ? v2 + 1 : 0;
        var route = segments.AsSpan(start);
        foreach (var template in Templates)
        {
            if (Matches(template, route)) return "/" + string.Join('/', template);
        }
        return Other;
    }

    private static bool Matches(string[] template, ReadOnlySpan<string> route)
    {
        if (template.Length != route.Length) return false;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != "{id}" && !string.Equals(template[i], route[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}

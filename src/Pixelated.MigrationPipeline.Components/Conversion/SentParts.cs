namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>One part of an item: its text, and the string Zep receives for it (the episode <c>data</c>, the message <c>content</c>).</summary>
public sealed record SentPart(string Text, string Sent);

/// <summary>
/// Splits an item's text so that every part is within Zep's limit as sent: measured on the final string (for a structured
/// memory the JSON the text is wrapped in), in UTF-16 units, which are never fewer than the code points Zep counts.
/// Today's split (<see cref="TextSplitter.Split"/>) comes first and is kept whenever all its parts fit as sent, so an item
/// that migrated before plans the same parts under the same keys; only a part over the limit is split again, by its sent
/// size, within the room its envelope leaves.
/// </summary>
public static class SentParts
{
    /// <summary>Text sent as it is (a text episode, a message): today's split, each part its own sent form.</summary>
    public static IReadOnlyList<SentPart> Plain(string text, int limit) =>
        Fit(text, limit, limit, static (part, _, _) => part, static _ => 0, static (_, _) => 1);

    /// <summary>
    /// Text sent inside an envelope. <paramref name="render"/>(part, index, count) is the string sent for a part;
    /// <paramref name="envelope"/>(isFirst) bounds what render adds around a part's text (the first part may carry more),
    /// for any index and count; <paramref name="width"/> is what a unit of text takes inside it.
    /// </summary>
    public static IReadOnlyList<SentPart> Fit(string text, int splitAt, int limit, Func<string, int, int, string> render,
        Func<bool, int> envelope, TextSplitter.UnitWidth width)
    {
        var parts = TextSplitter.Split(text, splitAt);
        var firstRoom = limit - envelope(true);
        var room = limit - envelope(false);
        for (var round = 0; ; round++)
        {
            var sent = parts.Select((part, p) => new SentPart(part, render(part, p, parts.Count))).ToList();
            var over = sent.Select(s => s.Sent.Length > limit).ToList();
            // Done when all fit; and when nothing can fit: an envelope alone at the limit (metadata of that size) goes as before, for Zep to refuse.
            // A part split here fits whatever the count, so only a part made too long by a grown count is split in a later round.
            if (!over.Contains(true) || firstRoom <= 0 || room <= 0 || round == 3) return sent;

            var next = new List<string>(parts.Count + 1);
            for (var p = 0; p < parts.Count; p++)
            {
                if (over[p]) next.AddRange(TextSplitter.SplitMeasured(parts[p], next.Count == 0 ? firstRoom : room, room, width));
                else next.Add(parts[p]);
            }
            parts = next;
        }
    }
}

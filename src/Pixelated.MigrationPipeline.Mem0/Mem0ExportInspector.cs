using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>What <see cref="Mem0ExportInspector"/> found in a set of export files.</summary>
public sealed record InspectionReport(IReadOnlyList<FileInspection> Files)
{
    public int TotalItems => Files.Sum(f => f.Users.Sum(u => u.Memories + u.Messages));

    public int TotalProblems => Files.Sum(f => f.Problems.Count);
}

/// <summary>One file: detected format, users with item counts, creation date range, inactive counts, every problem.</summary>
public sealed record FileInspection(
    string Path,
    ExportFormat Format,
    IReadOnlyList<UserInspection> Users,
    DateTimeOffset? FirstCreatedAt,
    DateTimeOffset? LastCreatedAt,
    IReadOnlyDictionary<string, int> InactiveByReason,
    IReadOnlyList<string> Problems);

/// <summary>Items of one user id in one file, by kind.</summary>
public sealed record UserInspection(string UserId, int Memories, int Messages);

/// <summary>
/// Reads export files without writing anything and summarises them (the CLI <c>inspect</c> command). Problems are the
/// readers' <see cref="RecordFailed"/> texts: positions, fields and reasons, never content.
/// </summary>
public sealed class Mem0ExportInspector(Mem0ReaderOptions? options = null, TimeProvider? clock = null)
{
    /// <param name="observe">Sees every item read, in reading order (the CLI tallies the users' roles with it); null for none.</param>
    public async Task<InspectionReport> InspectAsync(IReadOnlyList<string> paths, CancellationToken ct, Action<SourceItem>? observe = null)
    {
        var reader = new Mem0ExportReader(options ?? Mem0ReaderOptions.Default, clock);
        var files = new List<FileInspection>(paths.Count);
        foreach (var path in paths)
        {
            ExportFormat format;
            try
            {
                format = await Mem0FormatDetector.DetectAsync(path, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                format = ExportFormat.Unknown;
            }

            var users = new SortedDictionary<string, (int Memories, int Messages)>(StringComparer.Ordinal);
            var inactive = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var problems = new List<string>();
            DateTimeOffset? min = null, max = null;
            await foreach (var outcome in reader.ReadAsync(path, ct).ConfigureAwait(false))
            {
                switch (outcome)
                {
                    case ItemRead { Item: var item }:
                        observe?.Invoke(item);
                        var counts = users.GetValueOrDefault(item.UserId);
                        users[item.UserId] = item.Kind == SourceItemKind.Memory ? (counts.Memories + 1, counts.Messages) : (counts.Memories, counts.Messages + 1);
                        min = min is null || item.CreatedAt < min ? item.CreatedAt : min;
                        max = max is null || item.CreatedAt > max ? item.CreatedAt : max;
                        if (item.InactiveReason is { } reason)
                        {
                            inactive[reason] = inactive.GetValueOrDefault(reason) + 1;
                        }

                        break;
                    case RecordFailed failure:
                        problems.Add(failure.ToString());
                        break;
                }
            }

            files.Add(new FileInspection(
                path, format, users.Select(u => new UserInspection(u.Key, u.Value.Memories, u.Value.Messages)).ToList(),
                min, max, inactive, problems));
        }

        return new InspectionReport(files);
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Api.Dashboard;
using Pixelated.MigrationPipeline.Api.Uploads;

namespace Pixelated.MigrationPipeline.Api.Pages;

/// <summary>The runs page: every recent run with its progress (refreshed by the page every 2 s: <see cref="OnGetLiveAsync"/>); operators also start runs.</summary>
public sealed class IndexModel(DashboardQueries queries, DropFolder drop) : PageModel
{
    private const int DropEntriesShown = 100;

    public IReadOnlyList<RunRow> Runs { get; private set; } = [];

    public bool IsOperator => User.IsInRole(ApiRoles.Operator);

    /// <summary>Files and folders at the top of the drop folder (operators only), offered as paths to start a run from.</summary>
    public IReadOnlyList<string> DropEntries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Runs = await queries.RunsAsync(ct);
        if (IsOperator) DropEntries = ListDropFolder();
    }

    public async Task<IActionResult> OnGetLiveAsync(CancellationToken ct) =>
        Partial("_RunsTable", await queries.RunsAsync(ct));

    private IReadOnlyList<string> ListDropFolder()
    {
        try
        {
            return new DirectoryInfo(drop.Root).EnumerateFileSystemInfos()
                .Where(e => !string.Equals(e.FullName, drop.Uploads, StringComparison.Ordinal) && !e.Name.StartsWith('.'))
                .Select(e => e.Name).Order(StringComparer.Ordinal).Take(DropEntriesShown).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Api.Dashboard;

namespace Pixelated.MigrationPipeline.Api.Pages;

/// <summary>
/// One run: its status, progress, throughput, problems, findings, audit trail and rerun plan, refreshed by the page every
/// 1.5 s (<see cref="OnGetLiveAsync"/>); operators also get the control buttons. User ids are rendered for operators only
/// (viewers see item keys and reasons, as the report gives them); the audit trail too, as the API's <c>/audit</c>.
/// </summary>
public sealed class RunModel(DashboardQueries queries) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    public RunView View { get; private set; } = null!;

    public bool IsOperator => User.IsInRole(ApiRoles.Operator);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await queries.RunAsync(Id, IsOperator, ct) is not { } view) return NotFound();
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnGetLiveAsync(CancellationToken ct)
    {
        if (await queries.RunAsync(Id, IsOperator, ct) is not { } view) return NotFound();
        View = view;
        return Partial("_RunLive", this);
    }
}

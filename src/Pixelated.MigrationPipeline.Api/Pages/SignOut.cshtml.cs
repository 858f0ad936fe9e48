using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pixelated.MigrationPipeline.Api.Dashboard;

namespace Pixelated.MigrationPipeline.Api.Pages;

/// <summary>Sign-out is a POST (with the antiforgery token, as every POST of the dashboard); a GET goes back to the runs.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await DashboardAuth.SignOutAsync(HttpContext);
        return LocalRedirect("/signin");
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Api.Dashboard;

namespace Pixelated.MigrationPipeline.Api.Pages;

/// <summary>Exchanges an API key for the dashboard's cookie. A wrong key: 401, the form again, nothing set, one debug line.</summary>
public sealed class SignInModel(ApiKeyStore keys, ILogger<SignInModel> log) : PageModel
{
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? key)
    {
        if (DashboardAuth.PrincipalFor(keys, key) is not { } principal)
        {
            log.LogDebug("Dashboard sign-in refused: not a configured API key");
            Error = "That key is not a valid API key.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await DashboardAuth.SignInAsync(HttpContext, principal);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}

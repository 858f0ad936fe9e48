using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Api.Options;

namespace Pixelated.MigrationPipeline.Api.Dashboard;

/// <summary>
/// The dashboard's sign-in: an API key from <c>Api:Keys</c> is exchanged once for an HttpOnly, SameSite=Strict cookie
/// (ASP.NET Core cookie authentication, scheme <see cref="Scheme"/>) that carries the key's name and role, never the key.
/// The cookie is accepted only by the dashboard's pages and actions (policies <see cref="ReadPolicy"/> and
/// <see cref="OperatePolicy"/>); <c>/api/v1</c> keeps taking the <c>X-Api-Key</c> header alone, so a browser session can
/// never reach the JSON API. A cookie whose key name and role are no longer configured is refused on its next request.
/// </summary>
public static class DashboardAuth
{
    public const string Scheme = "DashboardCookie";
    public const string CookieName = "pixelated.dashboard";
    public const string ReadPolicy = "dashboard.read";
    public const string OperatePolicy = "dashboard.operate";

    /// <summary>Sent by the page's own fetches: they get 401 instead of a redirect to the sign-in page.</summary>
    public const string FetchHeader = "X-Requested-With";

    public static IServiceCollection AddDashboardAuth(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure behind TLS; plain on loopback
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.ReturnUrlParameter = "returnUrl";
                o.Events = new CookieAuthenticationEvents
                {
                    OnRedirectToLogin = context =>
                    {
                        if (IsPageNavigation(context.Request)) context.Response.Redirect(context.RedirectUri);
                        else context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    },
                    // A signed-in viewer refused an operator action: 403 (audited before this), never a redirect.
                    OnRedirectToAccessDenied = context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    },
                    OnValidatePrincipal = context =>
                    {
                        var keys = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.Keys;
                        var name = context.Principal?.Identity?.Name;
                        var role = context.Principal?.FindFirstValue(ClaimTypes.Role);
                        if (!keys.Any(k => k.Name == name && k.Role == role)) context.RejectPrincipal();
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(ApiRoles.Operator, ApiRoles.Viewer))
            .AddPolicy(OperatePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(ApiRoles.Operator));
        return services;
    }

    /// <summary>The key's name and role as a cookie principal; null for a wrong key (checked in constant time by <see cref="ApiKeyStore"/>).</summary>
    public static ClaimsPrincipal? PrincipalFor(ApiKeyStore keys, string? presented)
    {
        if (string.IsNullOrEmpty(presented) || keys.Find(presented) is not { } key) return null;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)],
            Scheme, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    public static Task SignInAsync(HttpContext http, ClaimsPrincipal principal) =>
        http.SignInAsync(Scheme, principal, new AuthenticationProperties { IsPersistent = false });

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    private static bool IsPageNavigation(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && !request.Headers.ContainsKey(FetchHeader);
}

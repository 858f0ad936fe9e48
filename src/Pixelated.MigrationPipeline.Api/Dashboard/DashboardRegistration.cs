namespace Pixelated.MigrationPipeline.Api.Dashboard;

/// <summary>
/// The operators' dashboard served by the API host: Razor Pages (server-rendered, no front-end build; chosen over Blazor
/// static SSR because every page is a plain request/response view plus small polled fragments, which Razor Pages' page
/// handlers and partials give with the framework's own antiforgery and authorization, and no component runtime is needed),
/// the cookie sign-in (<see cref="DashboardAuth"/>), the operator actions (<see cref="DashboardEndpoints"/>), its queries and
/// its static files (<c>wwwroot</c>: the stylesheet, the page script and the vendored Chart.js).
/// </summary>
public static class DashboardRegistration
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddDashboardAuth();
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/", DashboardAuth.ReadPolicy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "pixelated.antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddScoped<DashboardQueries>();
        services.AddZepThrottleWatch();
        return services;
    }

    /// <summary>Static files (before authentication: they are public and hold nothing of a run).</summary>
    public static IApplicationBuilder UseDashboardStaticFiles(this IApplicationBuilder app) => app.UseStaticFiles();

    public static void MapDashboard(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapDashboardActions();
    }
}

/// <summary>The dashboard's paths (its pages get <see cref="Security.SecurityHeaders.DashboardPolicy"/>).</summary>
public static class DashboardRoutes
{
    public static bool IsDashboard(PathString path) =>
        path == "/" || path.StartsWithSegments("/signin") || path.StartsWithSegments("/signout")
        || path.StartsWithSegments("/runs") || path.StartsWithSegments("/dashboard");
}

using Pixelated.MigrationPipeline.Api.Dashboard;

namespace Pixelated.MigrationPipeline.Api.Security;

/// <summary>
/// Headers on every answer (errors too: they are added when the response starts): no MIME sniffing, never framed, no
/// referrer, and a Content-Security-Policy. API answers (JSON, CSV, problems) allow nothing at all; <c>/docs</c> (Scalar,
/// served from this process: <c>/docs/scalar.js</c>) may run its own scripts and an inline start-up script, style itself
/// and fetch from this origin only — no CDN, no fonts or proxy elsewhere. The dashboard's pages (<see cref="DashboardPolicy"/>)
/// run scripts and styles from this origin only (no inline script or style: the chart library is a file it serves), fetch
/// and post forms to it only.
/// </summary>
public static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public const string DocsPolicy = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
                                     "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
                                     "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public const string DashboardPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
                                          "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/docs") ? DocsPolicy
                : DashboardRoutes.IsDashboard(http.Request.Path) ? DashboardPolicy : ApiPolicy;
            return Task.CompletedTask;
        });
        return next(http);
    });
}

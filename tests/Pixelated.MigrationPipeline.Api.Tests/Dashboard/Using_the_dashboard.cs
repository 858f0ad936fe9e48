using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Pixelated.MigrationPipeline.Api.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Playwright for .NET driving Debian's headless chromium) against the real API host:
/// sign-in with API keys, live progress without reloading, the operator's controls, a viewer's page and a forged POST.
/// Run alone with <c>--filter "FullyQualifiedName~Dashboard"</c>; the screenshots land in <see cref="DashboardHost.Screenshots"/>.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Browser")]
public sealed class Using_the_dashboard(DashboardHost host)
{
    private const int Slow = 120_000;

    [Fact]
    public async Task An_operator_starts_a_run_from_the_drop_folder_watches_it_live_pauses_it_and_resumes_it_to_completion()
    {
        await using var context = await host.NewContextAsync();
        var page = await host.SignInAsync(context, ApiHost.OperatorKey);
        await Expect(page.GetByTestId("who")).ToContainTextAsync(ApiHost.OperatorName);

        var session = (await context.CookiesAsync()).Single(c => c.Name == "pixelated.dashboard");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);

        var prefix = Exports.Prefix();
        var file = $"dashboard-{prefix}.json";
        await File.WriteAllTextAsync(Path.Combine(host.DropFolder, file), Exports.Platform(prefix, users: 16, memories: 3, withBadRecord: true));
        var form = page.GetByTestId("path-form");
        await form.Locator("input[name=path]").FillAsync(file);
        await form.Locator("input[name=maxUsersInFlight]").FillAsync("1");
        await page.GetByTestId("start-path").ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/[0-9a-f-]{36}$"));
        var runId = Guid.Parse(new Uri(page.Url).Segments[^1]);

        // From here on the page is never loaded again: a marker on the window survives only if it is not.
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        var status = page.Locator("[data-slot=summary] [data-testid=run-status]");
        var migrated = page.GetByTestId("items-migrated");
        await Expect(migrated).Not.ToHaveTextAsync("0", new() { Timeout = Slow });
        var seen = await migrated.TextContentAsync();
        await Expect(migrated).Not.ToHaveTextAsync(seen!, new() { Timeout = Slow }); // it moves on by itself
        await Expect(status).ToHaveTextAsync("migrating");

        // The runs page, in another tab, while the run goes on.
        var runs = await context.NewPageAsync();
        await runs.GotoAsync("/");
        await Expect(runs.Locator($"tr[data-run='{runId}']").GetByTestId("run-status")).ToHaveTextAsync("migrating");
        await host.ScreenshotAsync(runs, "runs-live.png");
        await runs.CloseAsync();

        await page.GetByRole(AriaRole.Textbox, new() { Name = "reason" }).FillAsync("checking the dashboard");
        await page.GetByTestId("action-pause").ClickAsync();
        await Expect(status).ToHaveTextAsync("paused", new() { Timeout = Slow });
        await Expect(page.Locator(".reason")).ToContainTextAsync("checking the dashboard");
        await Expect(page.GetByTestId("action-pause")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("migration.pause");
        await host.ScreenshotAsync(page, "run-paused.png");

        await page.GetByTestId("action-resume").ClickAsync();
        await Expect(status).ToHaveTextAsync("completed_with_errors", new() { Timeout = Slow }); // the record without a user fails
        await Expect(page.GetByTestId("run-percent")).ToHaveTextAsync("100%");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));

        var audit = page.GetByTestId("audit");
        await Expect(audit).ToContainTextAsync("migration.start");
        await Expect(audit).ToContainTextAsync("migration.resume");
        await Expect(page.GetByTestId("problems")).ToContainTextAsync("required field is missing");
        await Expect(page.GetByTestId("rerun")).Not.ToBeEmptyAsync();
        Assert.True(int.Parse(await page.GetByTestId("zep-429s").TextContentAsync() ?? "0") > 0, "the emulator's 429s are counted");
        await page.WaitForTimeoutAsync(2000); // one more refresh: the chart holds the last interval
        await host.ScreenshotAsync(page, "run.png");

        await page.GotoAsync("/");
        var row = page.Locator($"tr[data-run='{runId}']");
        await Expect(row.GetByTestId("run-status")).ToHaveTextAsync("completed_with_errors");
        await Expect(row).ToContainTextAsync(ApiHost.OperatorName);
        await Expect(row).ToContainTextAsync("100%");
        await host.ScreenshotAsync(page, "runs.png");

        // A narrow window: nothing wider than the window (tables scroll inside their cards).
        await using var narrow = await host.NewContextAsync(390, 844);
        var phone = await host.SignInAsync(narrow, ApiHost.OperatorKey);
        await AssertFitsAsync(phone);
        await host.ScreenshotAsync(phone, "runs-narrow.png");
        await phone.GotoAsync($"/runs/{runId}");
        await AssertFitsAsync(phone);
        await host.ScreenshotAsync(phone, "run-narrow.png");
    }

    [Fact]
    public async Task A_viewer_sees_no_controls_nor_user_ids_and_a_forged_post_is_refused_and_audited()
    {
        var prefix = Exports.Prefix();
        var runId = await host.RunToEndAsync(Exports.Platform(prefix, users: 2, withBadRecord: true));

        await using var context = await host.NewContextAsync();
        var page = await host.SignInAsync(context, ApiHost.ViewerKey);
        await Expect(page.GetByTestId("who")).ToContainTextAsync(ApiHost.ViewerName);
        await Expect(page.GetByTestId("upload-form")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("path-form")).ToHaveCountAsync(0);

        await page.GotoAsync($"/runs/{runId}");
        await Expect(page.Locator("[data-slot=summary] [data-testid=run-status]")).ToHaveTextAsync("completed_with_errors");
        await Expect(page.GetByTestId("controls")).ToHaveCountAsync(0);
        await Expect(page.Locator("form[data-action]")).ToHaveCountAsync(0);
        await Expect(page.Locator("main button")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("audit")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("problems")).ToContainTextAsync("required field is missing"); // item keys and reasons: yes
        Assert.DoesNotContain($"{prefix}-u0", await page.ContentAsync()); // user ids: no
        await host.ScreenshotAsync(page, "run-viewer.png");

        // A forged POST from the viewer's session: its cookie and a valid antiforgery token (from the sign-out form).
        var token = await page.Locator("form.signout input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(token));
        foreach (var action in new[] { "retry", "pause" })
        {
            var response = await context.APIRequest.PostAsync($"/dashboard/runs/{runId}/{action}", new()
            {
                Headers = new Dictionary<string, string> { ["RequestVerificationToken"] = token! },
                Form = context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("reason", "forged"),
            });
            Assert.Equal(403, response.Status);
        }
        var start = await context.APIRequest.PostAsync("/dashboard/runs", new()
        {
            Headers = new Dictionary<string, string> { ["RequestVerificationToken"] = token! },
            Multipart = context.APIRequest.CreateFormData().Set("path", "anything.json"),
        });
        Assert.Equal(403, start.Status);

        var audit = await host.AuditAsync(runId);
        foreach (var action in new[] { "migration.retry", "migration.pause" })
            Assert.Contains(audit, e => e.GetProperty("action").GetString() == action && e.GetProperty("outcome").GetInt32() == 403
                                        && e.GetProperty("actor").GetString() == ApiHost.ViewerName && e.GetProperty("role").GetString() == "viewer");
        await Expect(page.Locator("[data-slot=summary] [data-testid=run-status]")).ToHaveTextAsync("completed_with_errors");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_the_cookie_never_opens_the_api_and_a_post_without_its_token_is_refused()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/runs/" + Guid.NewGuid());
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("#key", "not-a-key-of-this-api");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("[data-testid=signin]"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/signin");
        Assert.Equal(401, refused.Status);
        await Expect(page.GetByTestId("signin-error")).ToBeVisibleAsync();
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "pixelated.dashboard");
        await page.GotoAsync("/");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);

        var runId = await host.RunToEndAsync(Exports.Platform(Exports.Prefix(), users: 1));
        page = await host.SignInAsync(context, ApiHost.OperatorKey);
        // The dashboard's cookie is not an API key: /api/v1 still wants X-Api-Key.
        Assert.Equal(401, (await context.APIRequest.GetAsync("/api/v1/migrations")).Status);
        // An operator's POST without the antiforgery token (what a cross-site form would send): 400, audited.
        var noToken = await context.APIRequest.PostAsync($"/dashboard/runs/{runId}/revalidate", new()
        {
            Form = context.APIRequest.CreateFormData().Set("reason", "cross-site"),
        });
        Assert.Equal(400, noToken.Status);
        Assert.Contains(await host.AuditAsync(runId), e => e.GetProperty("action").GetString() == "migration.revalidate"
                                                           && e.GetProperty("outcome").GetInt32() == 400);

        await page.GetByTestId("signout").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin");
        await page.GotoAsync("/");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task An_operator_uploads_an_export_from_the_page_and_the_run_completes()
    {
        await using var context = await host.NewContextAsync();
        var page = await host.SignInAsync(context, ApiHost.OperatorKey);
        var prefix = Exports.Prefix();
        await page.SetInputFilesAsync("#files", new FilePayload
        {
            Name = "export.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(Exports.Platform(prefix, users: 2)),
        });
        await page.GetByTestId("upload-form").Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/[0-9a-f-]{36}$"));
        await Expect(page.Locator("[data-slot=summary] [data-testid=run-status]")).ToHaveTextAsync("completed", new() { Timeout = Slow });
        await Expect(page.GetByTestId("items-migrated")).ToHaveTextAsync("4");
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var (scroll, inner) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("() => window.innerWidth"));
        Assert.True(scroll <= inner, $"the page is {scroll}px wide in a {inner}px window");
    }
}

using System.Diagnostics.Metrics;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Api.Auth;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against <c>Api:Keys</c>. The identity is the key's name with its role.
/// Challenges (401) and refusals (403) answer with problem details. The key is never logged or echoed.
/// A refused key is one debug line and one count of <c>pixelated.api.auth.refused</c> (meter <see cref="MeterName"/>);
/// the base handler's information lines per challenge are not written (a flood of 401s would flood the log).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    IProblemDetailsService problems,
    IMeterFactory meters)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string MeterName = "Pixelated.MigrationPipeline.Api";

    private readonly ILogger _log = logger.CreateLogger<ApiKeyAuthenticationHandler>();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values)) return Task.FromResult(AuthenticateResult.NoResult());
        if (values.Count != 1 || string.IsNullOrEmpty(values[0])) return Task.FromResult(AuthenticateResult.Fail("malformed X-Api-Key header"));
        if (keys.Find(values[0]!) is not { } key) return Task.FromResult(AuthenticateResult.Fail("unknown API key"));

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var why = result.Failure?.Message ?? "no X-Api-Key header";
        _log.LogDebug("Refused a request without a valid API key ({Why}): 401", why);
        meters.Create(MeterName).CreateCounter<long>("pixelated.api.auth.refused", description: "Requests refused with 401 (no or a wrong API key)")
            .Add(1, new KeyValuePair<string, object?>("reason", why));
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        await WriteProblemAsync("Unauthorized", $"Send a valid API key in the {Header} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync("Forbidden", "This API key's role does not allow this action (viewer keys may only read).");
    }

    private Task WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();
}

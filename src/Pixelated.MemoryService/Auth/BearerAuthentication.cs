using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Pixelated.MemoryService.Options;

namespace Pixelated.MemoryService.Auth;

/// <summary>
/// Bearer tokens (JwtBearer): an OIDC authority in production, an HS256 key in development. Claims keep their JWT names
/// (<c>sub</c>, <c>role</c>). Every endpoint needs a caller with a known role unless it says otherwise (health, docs).
/// </summary>
public static class BearerAuthentication
{
    public const string CallerPolicy = "caller";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemoryAuthOptions>()
            .Bind(configuration.GetSection(MemoryAuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<MemoryAuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));
        services.AddAuthorizationBuilder()
            .AddPolicy(CallerPolicy, p => p.RequireAuthenticatedUser()
                .RequireClaim(Caller.SubjectClaim)
                .RequireClaim(Caller.RoleClaim, MemoryRoles.All))
            .SetFallbackPolicy(null);
        return services;
    }

    private static void Configure(JwtBearerOptions jwt, MemoryAuthOptions auth)
    {
        jwt.MapInboundClaims = false;
        jwt.IncludeErrorDetails = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = Caller.SubjectClaim,
            RoleClaimType = Caller.RoleClaim,
        };
        if (auth.UsesSigningKey)
        {
            jwt.TokenValidationParameters.ValidIssuer = auth.Issuer;
            jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(auth.SigningKeyBytes);
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
        }
    }
}

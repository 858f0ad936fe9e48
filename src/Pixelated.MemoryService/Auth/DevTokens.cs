using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pixelated.MemoryService.Options;

namespace Pixelated.MemoryService.Auth;

/// <summary>Mints development tokens (HS256) from <c>Memory:Auth:SigningKey</c>: <c>pixelated-memory token --sub ID --role ROLE</c>.</summary>
public static class DevTokens
{
    public static string Mint(MemoryAuthOptions options, string subject, string role, TimeSpan? lifetime = null, DateTimeOffset? now = null)
    {
        if (!options.UsesSigningKey) throw new InvalidOperationException("Memory:Auth:SigningKey is not set: development tokens need it.");
        var issued = now ?? DateTimeOffset.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = issued.UtcDateTime,
            NotBefore = issued.UtcDateTime,
            Expires = (issued + (lifetime ?? TimeSpan.FromMinutes(options.DevTokenMinutes))).UtcDateTime,
            Subject = new ClaimsIdentity([new Claim(Caller.SubjectClaim, subject), new Claim(Caller.RoleClaim, role)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(options.SigningKeyBytes), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}

using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Pixelated.MemoryService.Options;

/// <summary>
/// Bound from <c>Memory:Auth:</c>. Production: an OIDC <see cref="Authority"/> and <see cref="Audience"/>. Development and
/// tests: an HS256 <see cref="SigningKey"/> (≥ 32 bytes, from the environment or user secrets, never a committed file) with
/// <see cref="Issuer"/> and <see cref="Audience"/>. Exactly one of the two.
/// </summary>
public sealed class MemoryAuthOptions : IValidatableObject
{
    public const string Section = "Memory:Auth";
    public const int MinimumKeyBytes = 32;

    public string? Authority { get; set; }

    public string? Audience { get; set; }

    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "pixelated-memory-dev";

    /// <summary>Lifetime of a token minted by <c>pixelated-memory token</c>.</summary>
    [Range(1, 24 * 60)]
    public int DevTokenMinutes { get; set; } = 60;

    public bool UsesSigningKey => !string.IsNullOrEmpty(SigningKey);

    public byte[] SigningKeyBytes => Encoding.UTF8.GetBytes(SigningKey ?? "");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasAuthority = !string.IsNullOrEmpty(Authority);
        if (hasAuthority == UsesSigningKey)
            yield return new ValidationResult(
                "Set either Memory:Auth:Authority (an OIDC issuer, production) or Memory:Auth:SigningKey (HS256, development), not both and not neither.",
                [nameof(Authority), nameof(SigningKey)]);
        if (string.IsNullOrEmpty(Audience))
            yield return new ValidationResult("Memory:Auth:Audience is required.", [nameof(Audience)]);
        if (UsesSigningKey && SigningKeyBytes.Length < MinimumKeyBytes)
            yield return new ValidationResult($"Memory:Auth:SigningKey must be at least {MinimumKeyBytes} bytes.", [nameof(SigningKey)]);
    }
}

using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Auth;

namespace Pixelated.MigrationPipeline.Api.Options;

/// <summary>Checked at start: without a valid key the API would let no one in (or anyone), so it refuses to start.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var problems = new List<string>();
        if (options.Keys.Count == 0)
            problems.Add("Api:Keys is empty: the API needs at least one key, e.g. the environment variables Api__Keys__0__Name=ops, " +
                         "Api__Keys__0__Key=<a random secret of 16+ characters>, Api__Keys__0__Role=operator.");
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            if (string.IsNullOrWhiteSpace(key.Name)) problems.Add($"Api:Keys:{i}:Name is required.");
            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < MinKeyLength)
                problems.Add($"Api:Keys:{i}:Key must be at least {MinKeyLength} characters.");
            if (!ApiRoles.All.Contains(key.Role))
                problems.Add($"Api:Keys:{i}:Role must be '{ApiRoles.Operator}' or '{ApiRoles.Viewer}'.");
        }
        if (options.Keys.Where(k => !string.IsNullOrEmpty(k.Name)).GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            problems.Add("Api:Keys: names must be unique (the audit trail tells keys apart by name).");
        if (options.Keys.Where(k => !string.IsNullOrEmpty(k.Key)).GroupBy(k => k.Key, StringComparer.Ordinal).Any(g => g.Count() > 1))
            problems.Add("Api:Keys: two entries share the same key.");
        if (options.Uploads.MaxFileBytes < 1) problems.Add("Api:Uploads:MaxFileBytes must be positive.");
        if (options.Uploads.MaxRequestBytes < options.Uploads.MaxFileBytes) problems.Add("Api:Uploads:MaxRequestBytes must be at least Api:Uploads:MaxFileBytes.");
        if (options.Uploads.MaxFiles is < 1 or > 10_000) problems.Add("Api:Uploads:MaxFiles must be between 1 and 10000.");
        if (options.AuthFailures.PermitLimit < 1) problems.Add("Api:AuthFailures:PermitLimit must be positive.");
        if (options.AuthFailures.WindowSeconds is < 1 or > 86_400) problems.Add("Api:AuthFailures:WindowSeconds must be between 1 and 86400.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

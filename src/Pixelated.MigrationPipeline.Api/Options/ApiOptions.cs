namespace Pixelated.MigrationPipeline.Api.Options;

/// <summary>Bound from <c>Api:</c>. Keys belong in the environment (<c>Api__Keys__0__Key</c>) or a secret store, never in a file.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Who may call the API: each key has a name (recorded in the audit trail), the secret and a role.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    public UploadOptions Uploads { get; set; } = new();

    public AuthFailureOptions AuthFailures { get; set; } = new();
}

/// <summary>
/// Requests to <c>/api</c> without a valid key, per client IP address, in a fixed window; beyond the limit the API answers
/// 429 (with <c>Retry-After</c>) without looking at the key. Requests with a valid key are never limited.
/// </summary>
public sealed class AuthFailureOptions
{
    public int PermitLimit { get; set; } = 10;

    public int WindowSeconds { get; set; } = 60;
}

public sealed class ApiKeyOptions
{
    /// <summary>Shown in the audit trail and in runs' <c>requestedBy</c>; never the key itself.</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    /// <summary><c>operator</c> (everything) or <c>viewer</c> (reads only).</summary>
    public string Role { get; set; } = "";
}

/// <summary>Limits of <c>POST /api/v1/migrations</c> with a multipart upload; beyond them the API answers 413.</summary>
public sealed class UploadOptions
{
    /// <summary>Largest single export file.</summary>
    public long MaxFileBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Largest request (all files and fields together).</summary>
    public long MaxRequestBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Most files in one upload.</summary>
    public int MaxFiles { get; set; } = 100;
}

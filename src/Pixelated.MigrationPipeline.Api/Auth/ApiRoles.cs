namespace Pixelated.MigrationPipeline.Api.Auth;

public static class ApiRoles
{
    /// <summary>Everything: start runs, control them, read the audit trail.</summary>
    public const string Operator = "operator";

    /// <summary>Reads only: runs, reports, users.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Operator, Viewer };
}

public static class ApiPolicies
{
    /// <summary>Any valid key.</summary>
    public const string Read = "read";

    /// <summary>An operator's key.</summary>
    public const string Operate = "operate";
}

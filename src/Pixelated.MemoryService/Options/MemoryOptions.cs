using System.ComponentModel.DataAnnotations;

namespace Pixelated.MemoryService.Options;

/// <summary>Bound from <c>Memory:</c>; the database's connection string comes from <c>ConnectionStrings:Memory</c>.</summary>
public sealed class MemoryOptions : IValidatableObject
{
    public const string Section = "Memory";
    public const string SqliteDefault = "Data Source=pixelated-memory.db";

    /// <summary><c>sqlite</c> (one instance) or <c>postgres</c> (several instances sharing sessions, keys and audit).</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Memory:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    [Required(ErrorMessage = "ConnectionStrings:Memory is required.")]
    public string ConnectionString { get; set; } = SqliteDefault;

    /// <summary>How often the hosted job closes sessions whose sliding expiry has passed.</summary>
    [Range(1, 3600)]
    public int SessionSweepSeconds { get; set; } = 60;

    /// <summary>How long an <c>Idempotency-Key</c>'s first answer is kept.</summary>
    [Range(1, 24 * 30)]
    public int IdempotencyHours { get; set; } = 24;

    /// <summary>The largest request body accepted (413 above it).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgres && ConnectionString == SqliteDefault)
            yield return new ValidationResult(
                "Memory:Provider is 'postgres' but ConnectionStrings:Memory is still the SQLite default: set it to a PostgreSQL connection string.",
                [nameof(ConnectionString)]);
    }
}

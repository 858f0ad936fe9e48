using System.ComponentModel.DataAnnotations;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>Bound from <c>Ledger:</c>; the connection string comes from <c>ConnectionStrings:Ledger</c>.</summary>
public sealed class LedgerOptions : IValidatableObject
{
    public const string Section = "Ledger";
    public const string SqliteDefault = "Data Source=pixelated-migration.db";

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Ledger:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    [Required(ErrorMessage = "ConnectionStrings:Ledger is required.")]
    public string ConnectionString { get; set; } = SqliteDefault;

    /// <summary>
    /// false (default): a user's staged payload (content, speaker name, categories, metadata) is purged when validation
    /// verifies the user. true: nothing is purged automatically; <c>purge --run ID</c> (or the API) removes it.
    /// </summary>
    public bool RetainContent { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgres && ConnectionString == SqliteDefault)
            yield return new ValidationResult(
                "Ledger:Provider is 'postgres' but ConnectionStrings:Ledger is still the SQLite default: set it to a PostgreSQL connection string (e.g. ConnectionStrings__Ledger='Host=...;Database=...;Username=...;Password=...').",
                [nameof(ConnectionString)]);
    }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);
}

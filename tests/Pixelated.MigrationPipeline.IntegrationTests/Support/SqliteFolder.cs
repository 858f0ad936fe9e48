using Microsoft.Data.Sqlite;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>
/// A scratch folder for a test's SQLite ledgers, deleted on dispose once SQLite's pooled connections have let go of the files.
/// </summary>
public sealed class SqliteFolder(string name) : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory($"pixelated-{name}-").FullName;

    /// <summary>The path of a ledger file in the folder.</summary>
    public string File(string fileName) => Path.Combine(_path, fileName);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_path, recursive: true);
    }
}

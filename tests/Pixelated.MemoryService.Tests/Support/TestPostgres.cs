using Npgsql;
using Pixelated.MigrationPipeline.TestInfrastructure;

namespace Pixelated.MemoryService.Tests.Support;

/// <summary>
/// A real PostgreSQL for the memory service's tests: <c>PIXELATED_TEST_POSTGRES</c> when set, else Testcontainers when a
/// Docker engine answers, else a throwaway local cluster from Debian's binaries in a temp dir. Each host gets a database of its own.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private const string PostgresEnv = "PIXELATED_TEST_POSTGRES";
    private readonly IPostgresService _service;
    private readonly TempRoot? _root;

    private TestPostgres(IPostgresService service, TempRoot? root)
    {
        _service = service;
        _root = root;
    }

    public string Description => _service.Description;

    public static async Task<TestPostgres> StartAsync(Action<string> log)
    {
        if (Environment.GetEnvironmentVariable(PostgresEnv) is { Length: > 0 } external)
            return new TestPostgres(new ExternalService(external, PostgresEnv, "PostgreSQL"), null);
        if (Environment.GetEnvironmentVariable("PIXELATED_TEST_INFRA") != "local"
            && (await ContainerServices.ProbeDockerAsync(TimeSpan.FromSeconds(3))).Available)
            return new TestPostgres(await ContainerServices.StartPostgresAsync(), null);
        var binDir = LocalPostgres.FindBinDir() ?? throw new InvalidOperationException(
            "PostgreSQL is needed by the memory service tests: install it (apt-get install -y postgresql), or set " +
            $"{PostgresEnv} to a connection string of a user allowed to CREATE DATABASE.");
        var root = TempRoot.Create(log);
        return new TestPostgres(await LocalPostgres.StartNewAsync(binDir, root, log), root);
    }

    /// <summary>A new, empty database and its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(_service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_service.ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        _root?.Dispose();
    }
}

using Npgsql;
using Pixelated.MigrationPipeline.TestInfrastructure;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>The PostgreSQL a benchmark writes to: <c>--postgres</c> / <c>PIXELATED_BENCH_POSTGRES</c>, else a throwaway local server.</summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly LocalPostgres? _local;
    private readonly TempRoot? _root;

    private BenchPostgres(string connectionString, LocalPostgres? local, TempRoot? root)
    {
        ServerConnectionString = connectionString;
        _local = local;
        _root = root;
    }

    public string ServerConnectionString { get; }

    /// <summary>The throwaway server's postmaster, to count its CPU time; null for a given server.</summary>
    public int? PostmasterPid => _local?.PostmasterPid;

    public static async Task<BenchPostgres> StartAsync(string? given)
    {
        given ??= Environment.GetEnvironmentVariable("PIXELATED_BENCH_POSTGRES");
        if (!string.IsNullOrEmpty(given)) return new BenchPostgres(given, null, null);
        var bin = LocalPostgres.FindBinDir() ?? throw new InvalidOperationException("PostgreSQL binaries not found: apt-get install postgresql, or pass --postgres");
        var root = TempRoot.Create(m => Console.Error.WriteLine($"[bench] {m}"));
        var local = await LocalPostgres.StartNewAsync(bin, root, m => Console.Error.WriteLine($"[bench] {m}"));
        return new BenchPostgres(local.ConnectionString, local, root);
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        var database = $"{name}_{Guid.NewGuid():N}"[..40];
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null) await _local.DisposeAsync();
        _root?.Dispose();
    }
}

using System.Diagnostics;
using System.Text;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

using Pixelated.MigrationPipeline.TestInfrastructure;

namespace Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Provides a real RabbitMQ and a real PostgreSQL to the integration tests (shared per test run through the
/// <see cref="InfrastructureCollection"/>). Each service is resolved independently, in this order:
/// <list type="number">
/// <item>environment variables <c>PIXELATED_TEST_RABBITMQ_URI</c> (amqp URI) / <c>PIXELATED_TEST_POSTGRES</c> (Npgsql connection string);</item>
/// <item>Testcontainers, when a Docker engine answers;</item>
/// <item>throwaway local server processes from the installed binaries, on free 127.0.0.1 ports, in a temp dir
/// that is deleted on dispose.</item>
/// </list>
/// <c>PIXELATED_TEST_INFRA=local</c> skips the Docker probe, <c>PIXELATED_TEST_INFRA=containers</c> requires Docker.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private const string RabbitEnv = "PIXELATED_TEST_RABBITMQ_URI";
    private const string PostgresEnv = "PIXELATED_TEST_POSTGRES";
    private const string InfraEnv = "PIXELATED_TEST_INFRA";

    private readonly IMessageSink _sink;
    private readonly SemaphoreSlim _dbGate = new(1, 1);
    private readonly List<string> _createdDatabases = [];
    private readonly object _rootGate = new();
    private TempRoot? _root;
    private IRabbitMqService? _rabbit;
    private IPostgresService? _postgres;
    private bool _disposed;

    public InfrastructureFixture(IMessageSink messageSink)
    {
        _sink = messageSink;
    }

    /// <summary>AMQP URI of the shared RabbitMQ, e.g. <c>amqp://guest:guest@127.0.0.1:PORT/</c>.</summary>
    public string RabbitMqUri => Rabbit.Uri;

    /// <summary>Npgsql connection string of the shared PostgreSQL (superuser, database <c>postgres</c>).
    /// Prefer <see cref="CreateDatabaseAsync"/> for an isolated database per test.</summary>
    public string PostgresConnectionString => Postgres.ConnectionString;

    public InfrastructureMode RabbitMqMode => Rabbit.Mode;

    public InfrastructureMode PostgresMode => Postgres.Mode;

    /// <summary>True when <see cref="StopRabbitMqAsync"/>/<see cref="StartRabbitMqAsync"/> are supported (local processes).</summary>
    public bool CanStopStartRabbitMq => RabbitMqMode == InfrastructureMode.LocalProcesses;

    /// <summary>True when <see cref="StopPostgresAsync"/>/<see cref="StartPostgresAsync"/> are supported (local processes).</summary>
    public bool CanStopStartPostgres => PostgresMode == InfrastructureMode.LocalProcesses;

    /// <summary>True when both services can be stopped and restarted by fault tests.</summary>
    public bool SupportsStopStart => CanStopStartRabbitMq && CanStopStartPostgres;

    /// <summary>How long <see cref="InitializeAsync"/> took.</summary>
    public TimeSpan StartupDuration { get; private set; }

    private IRabbitMqService Rabbit => _rabbit ?? throw new InvalidOperationException("The infrastructure fixture is not initialized.");

    private IPostgresService Postgres => _postgres ?? throw new InvalidOperationException("The infrastructure fixture is not initialized.");

    /// <summary>
    /// Creates a new, empty, uniquely named database (name = sanitized <paramref name="prefix"/> + random suffix)
    /// and returns its Npgsql connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = DatabaseName(prefix);
        await _dbGate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(AdminConnectionString());
                    await connection.OpenAsync(cancellationToken);
                    await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 5)
                {
                    // "source database template1 is being accessed by other users"
                    await Task.Delay(200 * attempt, cancellationToken);
                }
            }

            _createdDatabases.Add(name);
        }
        finally
        {
            _dbGate.Release();
        }

        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the RabbitMQ node (local processes only; otherwise NotSupportedException). The URI stays the same.</summary>
    public Task StopRabbitMqAsync() => LoggedAsync("stop RabbitMQ", Rabbit.StopAsync);

    /// <summary>Starts the RabbitMQ node again on the same port with the same data (durable queues survive).</summary>
    public Task StartRabbitMqAsync() => LoggedAsync("start RabbitMQ", Rabbit.StartAsync);

    /// <summary>Stops PostgreSQL (local processes only; otherwise NotSupportedException). Clears Npgsql pools.</summary>
    public Task StopPostgresAsync() => LoggedAsync("stop PostgreSQL", async () =>
    {
        await Postgres.StopAsync();
        NpgsqlConnection.ClearAllPools();
    });

    /// <summary>Starts PostgreSQL again on the same port with the same data. Clears Npgsql pools.</summary>
    public Task StartPostgresAsync() => LoggedAsync("start PostgreSQL", async () =>
    {
        await Postgres.StartAsync();
        NpgsqlConnection.ClearAllPools();
    });

    public async Task InitializeAsync()
    {
        var sw = Stopwatch.StartNew();
        var rabbitUri = NonEmpty(Environment.GetEnvironmentVariable(RabbitEnv));
        var postgresCs = NonEmpty(Environment.GetEnvironmentVariable(PostgresEnv));
        var infra = (NonEmpty(Environment.GetEnvironmentVariable(InfraEnv)) ?? "auto").ToLowerInvariant();
        if (infra is not ("auto" or "local" or "containers"))
        {
            throw new InvalidOperationException($"${InfraEnv} must be 'auto', 'local' or 'containers', not '{infra}'.");
        }

        var useDocker = false;
        if ((rabbitUri is null || postgresCs is null) && infra != "local")
        {
            var (available, reason) = await ContainerServices.ProbeDockerAsync(TimeSpan.FromSeconds(3));
            Log($"Docker probe: {(available ? "available" : "not available")} - {reason}");
            if (!available && infra == "containers")
            {
                throw new InvalidOperationException($"${InfraEnv}=containers but Docker is not usable: {reason}");
            }

            useDocker = available;
        }

        var rabbitTask = ResolveRabbitMqAsync(rabbitUri, useDocker, infra);
        var postgresTask = ResolvePostgresAsync(postgresCs, useDocker, infra);
        try
        {
            await Task.WhenAll(rabbitTask, postgresTask);
        }
        catch
        {
            // Do not leave the half of the infrastructure that did start running.
            if (rabbitTask.IsCompletedSuccessfully)
            {
                await rabbitTask.Result.DisposeAsync();
            }

            if (postgresTask.IsCompletedSuccessfully)
            {
                await postgresTask.Result.DisposeAsync();
            }

            _root?.Dispose();
            _root = null;

            var errors = new[] { rabbitTask, (Task)postgresTask }
                .Where(t => t.IsFaulted)
                .SelectMany(t => t.Exception!.InnerExceptions)
                .ToList();
            throw errors.Count == 1 ? errors[0] : new AggregateException("Integration test infrastructure failed to start.", errors);
        }

        _rabbit = rabbitTask.Result;
        _postgres = postgresTask.Result;
        StartupDuration = sw.Elapsed;
        Log($"RabbitMQ: {_rabbit.Description}");
        Log($"PostgreSQL: {_postgres.Description}");
        Log($"infrastructure ready in {sw.ElapsedMilliseconds} ms (RabbitMQ mode {_rabbit.Mode}, PostgreSQL mode {_postgres.Mode})");
    }

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var sw = Stopwatch.StartNew();

        if (_postgres is not null && _postgres.Mode != InfrastructureMode.LocalProcesses && _createdDatabases.Count > 0)
        {
            await DropCreatedDatabasesAsync();
        }

        NpgsqlConnection.ClearAllPools();

        var disposals = new List<Task>();
        if (_rabbit is not null)
        {
            disposals.Add(DisposeQuietlyAsync(_rabbit, "RabbitMQ"));
        }

        if (_postgres is not null)
        {
            disposals.Add(DisposeQuietlyAsync(_postgres, "PostgreSQL"));
        }

        await Task.WhenAll(disposals);
        _root?.Dispose();
        _root = null;
        _dbGate.Dispose();
        Log($"infrastructure stopped in {sw.ElapsedMilliseconds} ms");
    }

    private async Task<IRabbitMqService> ResolveRabbitMqAsync(string? uri, bool useDocker, string infra)
    {
        if (uri is not null)
        {
            return new ExternalService(uri, RabbitEnv, "RabbitMQ");
        }

        if (useDocker)
        {
            try
            {
                return await ContainerServices.StartRabbitMqAsync();
            }
            catch (Exception ex) when (infra == "auto")
            {
                Log($"RabbitMQ container failed to start ({ex.GetType().Name}: {ex.Message}); falling back to local binaries");
            }
        }

        var binDir = LocalRabbitMq.FindBinDir() ?? throw new InvalidOperationException(
            "RabbitMQ is needed by the integration tests but neither a Docker engine nor a local installation was found. " +
            "Install it (Debian/Ubuntu: `apt-get install -y rabbitmq-server`; the service does not need to be running, " +
            "the tests start their own node), or set PIXELATED_RABBITMQ_BIN_DIR to the directory containing rabbitmq-server, " +
            $"or point ${RabbitEnv} at an existing broker (amqp://user:pass@host:port/).");
        return await LocalRabbitMq.StartNewAsync(binDir, Root(), Log);
    }

    private async Task<IPostgresService> ResolvePostgresAsync(string? connectionString, bool useDocker, string infra)
    {
        if (connectionString is not null)
        {
            return new ExternalService(connectionString, PostgresEnv, "PostgreSQL");
        }

        if (useDocker)
        {
            try
            {
                return await ContainerServices.StartPostgresAsync();
            }
            catch (Exception ex) when (infra == "auto")
            {
                Log($"PostgreSQL container failed to start ({ex.GetType().Name}: {ex.Message}); falling back to local binaries");
            }
        }

        var binDir = LocalPostgres.FindBinDir() ?? throw new InvalidOperationException(
            "PostgreSQL is needed by the integration tests but neither a Docker engine nor a local installation was found. " +
            "Install it (Debian/Ubuntu: `apt-get install -y postgresql`; the service does not need to be running, " +
            "the tests start their own cluster), or set PIXELATED_POSTGRES_BIN_DIR to the directory containing initdb and pg_ctl, " +
            $"or point ${PostgresEnv} at an existing server (Npgsql connection string of a user allowed to CREATE DATABASE).");
        return await LocalPostgres.StartNewAsync(binDir, Root(), Log);
    }

    private TempRoot Root()
    {
        lock (_rootGate)
        {
            if (_root is null)
            {
                _root = TempRoot.Create(Log);
                Log($"local server data in {_root.Path}");
            }

            return _root;
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString());
            await connection.OpenAsync();
            foreach (var name in _createdDatabases)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (Exception ex)
        {
            Log($"could not drop test databases: {ex.Message}");
        }
    }

    private string AdminConnectionString() =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Pooling = false, Timeout = 30 }.ConnectionString;

    private async Task DisposeQuietlyAsync(IAsyncDisposable service, string what)
    {
        try
        {
            await service.DisposeAsync();
        }
        catch (Exception ex)
        {
            Log($"error while stopping {what}: {ex}");
        }
    }

    private async Task LoggedAsync(string what, Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        Log($"{what}: done in {sw.ElapsedMilliseconds} ms");
    }

    private static string DatabaseName(string prefix)
    {
        var sb = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            sb.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        var clean = sb.ToString().Trim('_');
        if (clean.Length == 0 || char.IsDigit(clean[0]))
        {
            clean = "t_" + clean;
        }

        if (clean.Length > 40)
        {
            clean = clean[..40];
        }

        return $"{clean}_{Guid.NewGuid():N}"[..(clean.Length + 13)];
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private void Log(string message)
    {
        var line = $"[infrastructure] {message}";
        _sink.OnMessage(new DiagnosticMessage(line));
        Console.WriteLine(line);
    }
}

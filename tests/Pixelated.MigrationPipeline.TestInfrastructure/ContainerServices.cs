using System.Diagnostics;
using DotNet.Testcontainers.Containers;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>RabbitMQ and PostgreSQL via Testcontainers, used when a Docker engine answers.</summary>
public static class ContainerServices
{
    public const string RabbitMqImage = "rabbitmq:3.13-alpine";
    public const string PostgresImage = "postgres:15-alpine";

    /// <summary>
    /// Quickly checks whether Testcontainers can talk to a Docker engine. Testcontainers probes the endpoints
    /// when a builder is built and throws DockerUnavailableException if none answers; we bound that with a timeout.
    /// </summary>
    public static async Task<(bool Available, string Reason)> ProbeDockerAsync(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        if (!AnyDockerEndpointConfigured())
        {
            return (false, "no Docker socket, DOCKER_HOST, docker config or ~/.testcontainers.properties found");
        }

        try
        {
            var build = Task.Run(() => new PostgreSqlBuilder(PostgresImage).Build());
            var container = await build.WaitAsync(timeout);
            await container.DisposeAsync();
            return (true, $"Docker engine answered in {sw.ElapsedMilliseconds} ms");
        }
        catch (TimeoutException)
        {
            return (false, $"no answer from a Docker engine within {timeout.TotalSeconds} s");
        }
        catch (Exception ex)
        {
            return (false, $"{ex.GetType().Name}: {FirstLine(ex.Message)} ({sw.ElapsedMilliseconds} ms)");
        }
    }

    public static async Task<IRabbitMqService> StartRabbitMqAsync()
    {
        var container = new RabbitMqBuilder(RabbitMqImage).Build();
        try
        {
            await container.StartAsync();
            return new ContainerRabbitMq(container);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    public static async Task<IPostgresService> StartPostgresAsync()
    {
        var container = new PostgreSqlBuilder(PostgresImage).Build();
        try
        {
            await container.StartAsync();
            return new ContainerPostgres(container);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>Cheap pre-check so that machines without any Docker setup skip the (slower) Testcontainers probe.</summary>
    private static bool AnyDockerEndpointConfigured()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) ||
            Environment.GetEnvironmentVariables().Keys.Cast<string>().Any(k => k.StartsWith("TESTCONTAINERS_", StringComparison.Ordinal)))
        {
            return true;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        string?[] candidates =
        [
            "/var/run/docker.sock",
            "/run/docker.sock",
            runtimeDir is null ? null : Path.Combine(runtimeDir, "docker.sock"),
            Path.Combine(home, ".docker", "run", "docker.sock"),
            Path.Combine(home, ".docker", "desktop", "docker.sock"),
            Path.Combine(home, ".docker", "config.json"), // may select a docker context
            Path.Combine(home, ".testcontainers.properties"),
        ];
        return OperatingSystem.IsWindows() || candidates.Any(c => c is not null && File.Exists(c));
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static NotSupportedException NotSupported(string what) => new(
        $"Stopping/starting {what} is only supported in InfrastructureMode.LocalProcesses; with Testcontainers a " +
        "restarted container gets a new host port, so the endpoint given to the tests would break. " +
        "Check InfrastructureFixture.SupportsStopStart and skip fault tests otherwise (or set PIXELATED_TEST_INFRA=local).");

    private sealed class ContainerRabbitMq(RabbitMqContainer container) : IRabbitMqService
    {
        public InfrastructureMode Mode => InfrastructureMode.Containers;

        public string Uri { get; } = container.GetConnectionString();

        public string Description => $"Testcontainers {RabbitMqImage} ({Uri})";

        public Task StopAsync() => throw NotSupported("RabbitMQ");

        public Task StartAsync() => throw NotSupported("RabbitMQ");

        public ValueTask DisposeAsync() => ((IContainer)container).DisposeAsync();
    }

    private sealed class ContainerPostgres(PostgreSqlContainer container) : IPostgresService
    {
        public InfrastructureMode Mode => InfrastructureMode.Containers;

        public string ConnectionString { get; } = container.GetConnectionString();

        public string Description => $"Testcontainers {PostgresImage}";

        public Task StopAsync() => throw NotSupported("PostgreSQL");

        public Task StartAsync() => throw NotSupported("PostgreSQL");

        public ValueTask DisposeAsync() => ((IContainer)container).DisposeAsync();
    }
}

using System.Text.RegularExpressions;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>deploy/docker: one multi-stage Dockerfile per host, non-root, a health check on a route the host maps, no secrets.</summary>
public class Dockerfiles
{
    // Dockerfile, the host's project folder under src/, its entry assembly.
    public static TheoryData<string, string, string> Hosts => new()
    {
        { "Dockerfile.worker", "Pixelated.MigrationPipeline.Worker", "Pixelated.MigrationPipeline.Worker.dll" },
        { "Dockerfile.api", "Pixelated.MigrationPipeline.Api", "Pixelated.MigrationPipeline.Api.dll" },
        { "Dockerfile.memory", "Pixelated.MemoryService", "pixelated-memory.dll" },
        { "Dockerfile.emulator", "Pixelated.ZepEmulator", "Pixelated.ZepEmulator.dll" },
        { "Dockerfile.cli", "Pixelated.MigrationPipeline.Cli", "pixelated-migrate.dll" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Each_host_image_is_multi_stage_non_root_and_bakes_no_secret(string file, string project, string assembly)
    {
        var dockerfile = Dockerfile.Parse(Repo.Read($"deploy/docker/{file}"));
        Assert.Empty(dockerfile.Problems());
        Assert.Contains($"src/{project}", dockerfile.Stages[0].Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish")).Arguments);
        Assert.Contains($"\"{assembly}\"", dockerfile.Final.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_health_check_asks_for_a_route_the_host_maps_and_only_hosts_without_one_say_NONE(string file, string project, string assembly)
    {
        _ = assembly;
        var dockerfile = Dockerfile.Parse(Repo.Read($"deploy/docker/{file}"));
        var sources = Repo.SourcesOf(project);
        var mapsHealth = sources.Contains("MapHealthChecks(");
        if (dockerfile.HealthPath is { } path)
        {
            Assert.Matches($@"Map(HealthChecks|Get)\(""{Regex.Escape(path)}""", sources);
            // The port the check asks is the one the host listens on in the image.
            Assert.Equal($"http://+:{dockerfile.HealthPort}", dockerfile.Env("ASPNETCORE_URLS"));
        }
        else
        {
            Assert.Equal("NONE", dockerfile.Final.Single(i => i.Keyword == "HEALTHCHECK").Arguments);
            Assert.False(mapsHealth, $"{project} maps a health route now: give {file} a HEALTHCHECK CMD on it (and deploy/k8s probes)");
        }
    }

    [Fact]
    public void The_checker_rejects_a_single_stage_root_image_without_a_health_check_that_bakes_a_key()
    {
        var bad = Dockerfile.Parse("""
            FROM mcr.microsoft.com/dotnet/sdk:10.0
            ENV ZEP_API_KEY=z_live_123 \
                Other=1
            RUN dotnet publish src/X -o /app
            ENTRYPOINT dotnet /app/X.dll
            """);
        var problems = bad.Problems();
        Assert.Contains(problems, p => p.StartsWith("not multi-stage"));
        Assert.Contains(problems, p => p.StartsWith("no USER"));
        Assert.Contains(problems, p => p.Contains("HEALTHCHECK"));
        Assert.Contains(problems, p => p.Contains("ZEP_API_KEY"));
        Assert.Contains(problems, p => p.Contains("ENTRYPOINT"));
        Assert.Contains(problems, p => p.Contains("SDK image"));

        var root = Dockerfile.Parse("""
            FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
            FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine
            COPY --from=build /app ./
            USER root
            HEALTHCHECK --interval=5s CMD wget -q -O /dev/null http://127.0.0.1:8080/health/live
            ENTRYPOINT ["dotnet", "X.dll"]
            """);
        Assert.Equal(["USER root is root"], root.Problems());
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_local_databases_and_env_files()
    {
        var ignore = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", ".git/", "*.db", ".env", "**/pixelated-zep-emulator.json", "drop/" }, ignore);
        Assert.False(File.Exists(Repo.PathOf("deploy/Dockerfile")), "one Dockerfile per host under deploy/docker/, not the old shared one");
    }
}

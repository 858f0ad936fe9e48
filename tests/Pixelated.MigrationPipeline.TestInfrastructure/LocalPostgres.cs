using System.Globalization;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster (initdb into the test run's temp directory, pg_ctl start/stop) listening on
/// 127.0.0.1 on a free port, trust authentication, fsync off. When the tests run as root the server runs as the
/// <c>postgres</c> OS user (via runuser), since PostgreSQL refuses to run as root.
/// </summary>
public sealed class LocalPostgres : IPostgresService
{
    private const string SuperUser = "postgres";
    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDir;
    private readonly string _dir;
    private readonly Action<string> _log;
    private readonly string? _runAs;
    private bool _running;
    private bool _everStarted;

    private LocalPostgres(string binDir, string dir, Action<string> log)
    {
        _binDir = binDir;
        _dir = dir;
        _log = log;
        _runAs = ProcessRunner.IsRoot ? OsUser : null;
    }

    public InfrastructureMode Mode => InfrastructureMode.LocalProcesses;

    public int Port { get; private set; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={SuperUser};Database=postgres";

    public string Description => $"local PostgreSQL ({_binDir}) on 127.0.0.1:{Port} (dir {_dir})";

    private string DataDir => Path.Combine(_dir, "data");

    private string ServerLog => Path.Combine(_dir, "postgres.log");

    private string SettingsFile => Path.Combine(_dir, "pixelated.conf");

    /// <summary>The PostgreSQL bin directory (containing initdb, pg_ctl, postgres), or null if not installed.</summary>
    public static string? FindBinDir()
    {
        static bool IsBin(string? d) =>
            !string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl"));

        var fromEnv = Environment.GetEnvironmentVariable("PIXELATED_POSTGRES_BIN_DIR");
        if (IsBin(fromEnv))
        {
            return fromEnv;
        }

        // Debian/Ubuntu: /usr/lib/postgresql/<major>/bin; prefer the newest major.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var debian = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => IsBin(x.Dir))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (debian is not null)
            {
                return debian;
            }
        }

        var onPath = ProcessRunner.FindOnPath("initdb");
        return onPath is not null && IsBin(Path.GetDirectoryName(onPath)) ? Path.GetDirectoryName(onPath) : null;
    }

    public static async Task<LocalPostgres> StartNewAsync(string binDir, TempRoot root, Action<string> log)
    {
        var pg = new LocalPostgres(binDir, root.CreateSubdirectory("postgres"), log);
        try
        {
            await pg.InitAsync();
            await pg.StartAsync();
            return pg;
        }
        catch
        {
            await pg.DisposeAsync();
            throw;
        }
    }

    public async Task StartAsync()
    {
        if (_running)
        {
            return;
        }

        if (_everStarted)
        {
            // Restart on the same port and data directory.
            await StartOnceAsync();
            return;
        }

        await FreePort.StartWithRetriesAsync("PostgreSQL", () => Port = FreePort.Get(), async () =>
        {
            await WriteSettingsAsync();
            await StartOnceAsync();
        }, _log);
        _everStarted = true;
    }

    public async Task StopAsync()
    {
        if (!File.Exists(Path.Combine(DataDir, "postmaster.pid")))
        {
            _running = false;
            return;
        }

        var fast = await PgCtlAsync(["-D", DataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
        if (!fast.Succeeded)
        {
            _log($"pg_ctl stop -m fast failed, trying immediate: {fast.Describe()}");
            var immediate = await PgCtlAsync(["-D", DataDir, "-m", "immediate", "-w", "-t", "10", "stop"]);
            if (!immediate.Succeeded)
            {
                KillPostmaster();
            }
        }

        _running = false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception ex)
        {
            _log($"error stopping PostgreSQL: {ex.Message}");
            KillPostmaster();
        }
    }

    private async Task InitAsync()
    {
        if (_runAs is not null)
        {
            var id = await ProcessRunner.RunAsync("id", ["-u", _runAs], TimeSpan.FromSeconds(10));
            if (!id.Succeeded)
            {
                throw new InvalidOperationException(
                    $"The tests run as root, so PostgreSQL must run as the '{_runAs}' OS user, which does not exist. " +
                    "Install the 'postgresql' package (it creates the user) or run the tests as a non-root user.");
            }

            if (ProcessRunner.FindOnPath("runuser") is null)
            {
                throw new InvalidOperationException("The tests run as root and need 'runuser' (util-linux) to start PostgreSQL as the 'postgres' user.");
            }

            (await ProcessRunner.RunAsync("chown", ["-R", $"{_runAs}:", _dir], TimeSpan.FromSeconds(30)))
                .EnsureSuccess($"chown of {_dir}");
        }

        (await ProcessRunner.RunAsync(
                Path.Combine(_binDir, "initdb"),
                ["-D", DataDir, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
                CommandTimeout,
                environment: new Dictionary<string, string?> { ["LANG"] = "C", ["LC_ALL"] = "C" },
                runAsUser: _runAs,
                workingDirectory: _dir))
            .EnsureSuccess("initdb");

        await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"), $"\ninclude '{SettingsFile}'\n");
    }

    private async Task WriteSettingsAsync()
    {
        var settings = string.Join('\n',
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{_dir}'",
            "max_connections = 300",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            // The ledger's staging index of a 1 GB export (~250 MB) stays in memory instead of being written out and read
            // back from the OS cache: a quarter less PostgreSQL CPU when staging. Production servers set ~25 % of RAM
            // (deploy/docker-compose.yml: the same 512 MB); Debian's default is 128 MB.
            "shared_buffers = 512MB",
            "logging_collector = off",
            "");
        await File.WriteAllTextAsync(SettingsFile, settings);
    }

    private async Task StartOnceAsync()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = await PgCtlAsync(["-D", DataDir, "-l", ServerLog, "-w", "-t", "60", "start"]);
        if (!result.Succeeded)
        {
            // pg_ctl may have left a half-started postmaster behind on timeout.
            KillPostmaster();
            throw new InvalidOperationException($"pg_ctl start failed: {result.Describe()}\n--- server log ---\n{Tail(ServerLog)}");
        }

        _running = true;
        _log($"PostgreSQL ready on 127.0.0.1:{Port} after {sw.ElapsedMilliseconds} ms");
    }

    private Task<ProcessResult> PgCtlAsync(IEnumerable<string> args) =>
        ProcessRunner.RunAsync(Path.Combine(_binDir, "pg_ctl"), args, CommandTimeout, runAsUser: _runAs, workingDirectory: _dir);

    /// <summary>The running server's postmaster process id (from <c>postmaster.pid</c>), or null.</summary>
    public int? PostmasterPid
    {
        get
        {
            var pidFile = Path.Combine(DataDir, "postmaster.pid");
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault()?.Trim(), out var pid) ? pid : null;
        }
    }

    private void KillPostmaster()
    {
        try
        {
            if (PostmasterPid is { } pid)
            {
                _log($"killing postmaster {pid}");
                ProcessRunner.TryKill(pid);
            }
        }
        catch (Exception ex)
        {
            _log($"could not kill postmaster: {ex.Message}");
        }
    }

    private static string Tail(string file)
    {
        try
        {
            var lines = File.Exists(file) ? File.ReadAllLines(file) : [];
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
        }
        catch (Exception ex)
        {
            return $"<could not read {file}: {ex.Message}>";
        }
    }
}

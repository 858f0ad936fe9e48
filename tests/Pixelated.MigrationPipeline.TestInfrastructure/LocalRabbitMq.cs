using System.Diagnostics;
using System.Globalization;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>
/// A throwaway RabbitMQ node started from the locally installed <c>rabbitmq-server</c> (Debian: package
/// <c>rabbitmq-server</c>), with its own node name, ports, mnesia/log dirs, config and Erlang cookie (HOME) inside
/// the test run's temp directory. Only listens on 127.0.0.1 for AMQP; the default guest/guest user is used.
/// </summary>
public sealed class LocalRabbitMq : IRabbitMqService
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binDir;
    private readonly string _dir;
    private readonly string _home;
    private readonly string _erlArgs;
    private readonly Action<string> _log;
    private Process? _process;
    private bool _epmdWasRunning = true;
    private bool _everStarted;

    private LocalRabbitMq(string binDir, string dir, Action<string> log, string? nodeName = null, string? home = null)
    {
        _binDir = binDir;
        _dir = dir;
        _home = home ?? Path.Combine(dir, "home");
        // Erlang distribution (used by rabbitmqctl and, in a cluster, between the nodes) only on loopback. A cluster's nodes
        // also keep their idle schedulers from busy-waiting: three nodes spinning on two cores slow each other's start.
        _erlArgs = "-kernel inet_dist_use_interface {127,0,0,1}" + (home is null ? "" : " +sbwt none +sbwtdcpu none +sbwtdio none");
        _log = log;
        NodeName = nodeName ?? $"pixit-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}@localhost";
    }

    /// <summary>
    /// A node of a <see cref="LocalRabbitMqCluster"/>, not started: its own name, ports and data in <paramref name="dir"/>, and
    /// the cluster's HOME (<paramref name="home"/>), whose Erlang cookie every node of the cluster and rabbitmqctl share.
    /// </summary>
    internal static LocalRabbitMq ClusterNode(string binDir, string dir, string nodeName, string home, Action<string> log) =>
        new(binDir, dir, log, nodeName, home);

    public InfrastructureMode Mode => InfrastructureMode.LocalProcesses;

    public string NodeName { get; }

    public int Port { get; private set; }

    public int DistPort { get; private set; }

    public string Uri => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary><c>127.0.0.1:PORT</c>, as a cluster node setting (<c>RabbitMq:ClusterNodes</c>) takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>True while the node's process runs (started and neither stopped nor killed).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The pid of the node's Erlang VM (beam.smp), from the pid file RabbitMQ writes; null when there is none.</summary>
    public int? BeamPid
    {
        get
        {
            try
            {
                return File.Exists(PidFile) && int.TryParse(File.ReadLines(PidFile).FirstOrDefault()?.Trim(), out var pid) ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public string Description => $"local rabbitmq-server node {NodeName} on 127.0.0.1:{Port} (dir {_dir})";

    private string ServerScript => Path.Combine(_binDir, "rabbitmq-server");

    private string CtlScript => Path.Combine(_binDir, "rabbitmqctl");

    private string QueuesScript => Path.Combine(_binDir, "rabbitmq-queues");

    /// <summary>Written by RabbitMQ itself with the pid of beam.smp (the started process is a wrapper shell).</summary>
    private string PidFile => Path.Combine(_dir, "rabbitmq.pid");

    private string OutputLog => Path.Combine(_dir, "server.out");

    /// <summary>Directory containing rabbitmq-server and rabbitmqctl, or null if RabbitMQ is not installed.</summary>
    public static string? FindBinDir()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("PIXELATED_RABBITMQ_BIN_DIR"),
            "/usr/lib/rabbitmq/bin",
            "/usr/local/sbin",
            "/opt/homebrew/sbin",
        };
        return candidates.FirstOrDefault(d =>
            !string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, "rabbitmq-server")) && File.Exists(Path.Combine(d, "rabbitmqctl")));
    }

    public static async Task<LocalRabbitMq> StartNewAsync(string binDir, TempRoot root, Action<string> log)
    {
        var rabbit = new LocalRabbitMq(binDir, root.CreateSubdirectory("rabbitmq"), log);
        try
        {
            await rabbit.StartAsync();
            return rabbit;
        }
        catch
        {
            await rabbit.DisposeAsync();
            throw;
        }
    }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        if (_everStarted)
        {
            // Restart: same node, ports and data so durable queues survive and the URI stays valid.
            await StartOnceAsync();
            return;
        }

        _epmdWasRunning = await FreePort.IsListeningAsync(4369, TimeSpan.FromMilliseconds(500));
        await FreePort.StartWithRetriesAsync("RabbitMQ", () =>
        {
            Port = FreePort.Get();
            DistPort = FreePort.Get();
        }, StartOnceAsync, _log);
        _everStarted = true;
    }

    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            var result = await RunCtlAsync("stop");
            if (!result.Succeeded)
            {
                _log($"rabbitmqctl stop failed, killing the node: {result.Describe()}");
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _log("RabbitMQ node did not exit within 30 s after stop; killing it");
                ProcessRunner.TryKillTree(process);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
        _process = null;
        TryDeleteFile(PidFile);
    }

    /// <summary>
    /// <c>kill -9</c> of the node's Erlang VM (beam.smp): no clean shutdown, its connections cut, its data left as it was.
    /// <see cref="StartAsync"/> brings the same node back (same name, ports and data). Returns the pid killed.
    /// </summary>
    public async Task<int> KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"RabbitMQ node {NodeName} is not running.");
        var pid = BeamPid ?? throw new InvalidOperationException($"RabbitMQ node {NodeName} has no pid file at {PidFile}.");
        (await ProcessRunner.RunAsync("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)))
            .EnsureSuccess($"kill -9 of {NodeName}'s beam.smp ({pid})");

        // The rabbitmq-server wrapper script waits for beam.smp and exits with it.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _log($"rabbitmq-server wrapper of {NodeName} still running 30 s after kill -9 of beam.smp; killing it");
            ProcessRunner.TryKillTree(process);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        _process = null;
        TryDeleteFile(PidFile);
        return pid;
    }

    /// <summary>Runs <c>rabbitmqctl -n NODE ARGS...</c> with the node's environment (its cookie).</summary>
    public Task<ProcessResult> CtlAsync(params string[] args) =>
        ProcessRunner.RunAsync(CtlScript, ["-n", NodeName, .. args], CtlTimeout, ServerEnvironment(), workingDirectory: _dir);

    /// <summary>Runs <c>rabbitmq-queues -n NODE ARGS...</c> (quorum queue status and membership) with the node's environment.</summary>
    public Task<ProcessResult> QueuesAsync(params string[] args) =>
        ProcessRunner.RunAsync(QueuesScript, ["-n", NodeName, .. args], CtlTimeout, ServerEnvironment(), workingDirectory: _dir);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception ex)
        {
            _log($"error stopping RabbitMQ: {ex.Message}");
            if (_process is not null)
            {
                ProcessRunner.TryKillTree(_process);
            }
        }

        if (!_epmdWasRunning)
        {
            // epmd refuses -kill while any node is still registered, so this cannot hurt other nodes.
            var epmd = ProcessRunner.FindOnPath("epmd");
            if (epmd is not null)
            {
                await ProcessRunner.RunAsync(epmd, ["-kill"], TimeSpan.FromSeconds(10));
            }
        }
    }

    private async Task StartOnceAsync()
    {
        WriteConfigFiles();

        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        // sh execs rabbitmq-server (a shell script that forwards TERM/INT to its beam.smp child and waits for it),
        // so _process is that wrapper and Kill(entireProcessTree) reaches beam.smp as well.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" </dev/null >>\"$1\" 2>&1");
        psi.ArgumentList.Add(ServerScript);
        psi.ArgumentList.Add(OutputLog);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("RABBITMQ_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        ProcessRunner.ApplyEnvironment(psi, ServerEnvironment());

        var started = Stopwatch.StartNew();
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start rabbitmq-server.");

        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"rabbitmq-server exited with code {_process.ExitCode} during start-up. Output:\n{Tail(OutputLog)}\nLog:\n{Tail(NodeLog)}");
                }

                if (await FreePort.IsListeningAsync(Port, TimeSpan.FromMilliseconds(250)))
                {
                    break;
                }

                if (started.Elapsed > StartTimeout)
                {
                    throw new TimeoutException(
                        $"RabbitMQ did not open 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s. Output:\n{Tail(OutputLog)}\nLog:\n{Tail(NodeLog)}");
                }

                await Task.Delay(100);
            }

            (await RunCtlAsync("await_startup")).EnsureSuccess("rabbitmqctl await_startup");
            _log($"RabbitMQ node {NodeName} ready on 127.0.0.1:{Port} after {started.ElapsedMilliseconds} ms");
        }
        catch
        {
            ProcessRunner.TryKillTree(_process);
            await _process.WaitForExitAsync();
            _process.Dispose();
            _process = null;
            TryDeleteFile(PidFile);
            throw;
        }
    }

    private string NodeLog => Path.Combine(_dir, "log", NodeName + ".log");

    private Task<ProcessResult> RunCtlAsync(string command) => CtlAsync(command);

    private Dictionary<string, string?> ServerEnvironment() => new()
    {
        ["HOME"] = _home,
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = DistPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_dir, "log"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir, "rabbitmq.conf"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_dir, "advanced.config"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_dir, "rabbitmq-env.conf"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir, "enabled_plugins"),
        ["RABBITMQ_PID_FILE"] = PidFile,
        // An epmd started by this node listens only on loopback.
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = _erlArgs,
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    private void WriteConfigFiles()
    {
        foreach (var sub in new[] { "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, sub));
        }

        Directory.CreateDirectory(_home);

        File.WriteAllText(Path.Combine(_dir, "rabbitmq.conf"), string.Join('\n',
            "loopback_users.guest = false",
            // Never block publishers because the CI disk is nearly full.
            "disk_free_limit.absolute = 1MB",
            "log.console = false",
            "log.file.level = info",
            ""));
        File.WriteAllText(Path.Combine(_dir, "rabbitmq-env.conf"), "# isolated from /etc/rabbitmq/rabbitmq-env.conf\n");
        File.WriteAllText(Path.Combine(_dir, "enabled_plugins"), "[].\n");
    }

    private static string Tail(string file)
    {
        try
        {
            if (!File.Exists(file))
            {
                return "<no file " + file + ">";
            }

            var lines = File.ReadAllLines(file);
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
        }
        catch (Exception ex)
        {
            return $"<could not read {file}: {ex.Message}>";
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception)
        {
            // ignore
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>Finds free TCP ports on the loopback interface.</summary>
public static class FreePort
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = new();

    /// <summary>
    /// Returns a port that was free a moment ago (bound on both 127.0.0.1 and 0.0.0.0). There is an
    /// unavoidable race between this check and the server binding it; callers retry start-up with a
    /// new port when the bind fails. A port is never handed out twice by this process.
    /// </summary>
    public static int Get()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                int port;
                using (var listener = new TcpListener(IPAddress.Loopback, 0))
                {
                    listener.Start();
                    port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    listener.Stop();
                }

                if (Handed.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                Handed.Add(port);
                return port;
            }

            throw new InvalidOperationException("Could not find a free TCP port on 127.0.0.1.");
        }
    }

    /// <summary>True when nothing is listening on 127.0.0.1:<paramref name="port"/> and it can be bound on all interfaces.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var any = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            any.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts a server on ports picked just before (<paramref name="pickPorts"/>), trying again with new ports when the
    /// start fails (another process may take a picked port before the server binds it): three attempts.
    /// </summary>
    public static async Task StartWithRetriesAsync(string server, Action pickPorts, Func<Task> start, Action<string> log)
    {
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            pickPorts();
            try
            {
                await start();
                return;
            }
            catch (Exception ex) when (attempt < Attempts)
            {
                log($"{server} start attempt {attempt} failed, retrying with other ports: {ex.Message}");
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{server} did not start.", ex);
            }
        }
    }

    /// <summary>True when a TCP connection to 127.0.0.1:<paramref name="port"/> succeeds within the timeout.</summary>
    public static async Task<bool> IsListeningAsync(int port, TimeSpan timeout)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}

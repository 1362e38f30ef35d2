using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GridMap.Testing;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// GeoApi as a process of its own (the build's GridMap.GeoApi.dll, run as run.sh runs it), for the drill that kills it
/// with SIGKILL in the middle of a phone's sync and starts it again on the same port.
/// </summary>
public sealed class GeoApiProcess(string connectionString) : IAsyncDisposable
{
    private Process? process;

    public int Port { get; } = FreePort();

    public string Url => $"http://127.0.0.1:{Port}/";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The configuration the tests were built in (test.sh builds Release; an IDE, Debug).</summary>
    private static string Configuration => typeof(GridMap.GeoApi.GeoApiHost).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public async Task StartAsync()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", "GeoApi");
        var start = new ProcessStartInfo("dotnet", [Path.Combine("bin", Configuration, "net10.0", "GridMap.GeoApi.dll"), "--urls", Url.TrimEnd('/')])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Database__ConnectionString"] = connectionString;
        start.Environment["Kpi__RefreshSeconds"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 240; attempt++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"GeoApi exited with {process.ExitCode} before it answered.");
            try
            {
                if ((await http.GetAsync(Url + "health")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("GeoApi did not answer /health within a minute.");
    }

    /// <summary>SIGKILL: no shutdown, no flushing, whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (process is null)
            return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}

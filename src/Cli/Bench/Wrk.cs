using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GridMap.Cli.Bench;

/// <summary>Runs wrk (Debian package wrk) against one URL and reads its requests per second.</summary>
internal static partial class Wrk
{
    public static bool Available => File.Exists("/usr/bin/wrk");

    public static async Task<double> RequestsPerSecondAsync(string url, int seconds, CancellationToken ct)
    {
        var start = new ProcessStartInfo("wrk", ["-t2", "-c16", $"-d{seconds}s", "--latency", url]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var match = RequestsPerSecond().Match(output);
        if (process.ExitCode != 0 || !match.Success)
            throw new InvalidOperationException($"wrk failed on {url}: {output}{await process.StandardError.ReadToEndAsync(ct)}");
        if (NonSuccess().Match(output) is { Success: true } errors)
            throw new InvalidOperationException($"wrk saw {errors.Groups[1].Value} non-2xx answers from {url}.");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex NonSuccess();
}

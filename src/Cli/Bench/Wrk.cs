using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GridMap.Cli.Bench;

/// <summary>Runs wrk (Debian package wrk), a C load generator light enough not to starve the server it measures.</summary>
internal static partial class Wrk
{
    public sealed record Result(double RequestsPerSecond, long Requests, double P50Ms, double P99Ms);

    public static bool Available => File.Exists("/usr/bin/wrk");

    // Each wrk thread walks its own share of a path list (line i goes to thread i mod threads), so with a list longer
    // than the run no tile is asked for twice: every request is a cache miss.
    private const string PathListScript = """
        local counter = 0
        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
        end
        function init(args)
          paths = {}
          local n = 0
          local threads = tonumber(args[2])
          for line in io.lines(args[1]) do
            if n % threads == id then paths[#paths + 1] = line end
            n = n + 1
          end
          i = 0
        end
        function request()
          i = i % #paths + 1
          return wrk.format("GET", paths[i])
        end
        """;

    /// <summary>One URL, many times (cached tiles, static files): 2 threads, 16 connections.</summary>
    public static Task<Result> RunAsync(string url, int seconds, CancellationToken ct) =>
        RunAsync(["-t2", "-c16", $"-d{seconds}s", "--latency", url], ct);

    /// <summary>Each path of a list once at most, over a base URL, with <paramref name="connections"/> clients.</summary>
    public static async Task<Result> RunPathsAsync(string baseUrl, IReadOnlyList<string> paths, int connections, double seconds, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("gridmap-wrk-");
        try
        {
            var script = Path.Combine(folder.FullName, "paths.lua");
            var list = Path.Combine(folder.FullName, "paths.txt");
            await File.WriteAllTextAsync(script, PathListScript, ct);
            await File.WriteAllLinesAsync(list, paths, ct);
            var duration = Math.Max(1, (int)Math.Round(seconds));
            return await RunAsync([$"-t{connections}", $"-c{connections}", $"-d{duration}s", "--latency", "-s", script, baseUrl, "--", list, connections.ToString(CultureInfo.InvariantCulture)], ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<Result> RunAsync(string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("wrk", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var rate = RequestsPerSecond().Match(output);
        if (process.ExitCode != 0 || !rate.Success)
            throw new InvalidOperationException($"wrk failed: {output}{await process.StandardError.ReadToEndAsync(ct)}");
        if (NonSuccess().Match(output) is { Success: true } errors)
            throw new InvalidOperationException($"wrk saw {errors.Groups[1].Value} non-2xx answers: {output}");
        return new Result(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile(output, "50%"),
            Percentile(output, "99%"));
    }

    private static double Percentile(string output, string label)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(label)}\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
            return double.NaN;
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"([0-9]+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex NonSuccess();
}

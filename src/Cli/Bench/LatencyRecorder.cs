using System.Collections.Concurrent;
using System.Diagnostics;

namespace GridMap.Cli.Bench;

/// <summary>Runs a list of jobs with a fixed number of concurrent workers and records throughput and latency.</summary>
internal static class LatencyRecorder
{
    public sealed record Result(int Count, double Seconds, double[] LatenciesMs, long Bytes, long MaxBytes)
    {
        public double PerSecond => Count / Seconds;
        private double[]? sorted;

        public double Percentile(double p) => NearestRank(sorted ??= LatenciesMs.Order().ToArray(), p);
    }

    /// <summary>The nearest-rank percentile of sorted values (0 when there are none).</summary>
    public static double NearestRank(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static async Task<Result> RunAsync<T>(IReadOnlyList<T> items, int workers, Func<T, CancellationToken, Task<int>> job, CancellationToken ct)
    {
        var latencies = new ConcurrentBag<double>();
        long bytes = 0, maxBytes = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < items.Count)
            {
                var start = Stopwatch.GetTimestamp();
                var size = await job(items[index], ct);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Add(ref bytes, size);
                long seen;
                while (size > (seen = Interlocked.Read(ref maxBytes)) && Interlocked.CompareExchange(ref maxBytes, size, seen) != seen)
                {
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        return new Result(items.Count, clock.Elapsed.TotalSeconds, [.. latencies], bytes, maxBytes);
    }
}

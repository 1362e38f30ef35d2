using System.Globalization;
using System.Text.RegularExpressions;

namespace GridMap.Cli.Bench;

/// <summary>
/// One scrape of a host's <c>http_request_duration_seconds</c> histogram (GridMap.Metrics), per route, status class and
/// method. Two scrapes subtract to the requests between them; quantiles are read from the merged buckets the way
/// Prometheus's histogram_quantile reads them (linear within the bucket).
/// </summary>
internal sealed partial class MetricsSnapshot
{
    private readonly Dictionary<(string Endpoint, string Code, string Method), SortedDictionary<double, double>> series;

    private MetricsSnapshot(Dictionary<(string, string, string), SortedDictionary<double, double>> series) => this.series = series;

    public static async Task<MetricsSnapshot> ScrapeAsync(HttpClient http, string hostUrl, CancellationToken ct) =>
        Parse(await http.GetStringAsync(hostUrl.TrimEnd('/') + "/metrics", ct));

    public static MetricsSnapshot Parse(string text)
    {
        var series = new Dictionary<(string, string, string), SortedDictionary<double, double>>();
        foreach (Match m in BucketLine().Matches(text))
        {
            var key = (m.Groups["endpoint"].Value, m.Groups["code"].Value, m.Groups["method"].Value);
            var le = m.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups["le"].Value, CultureInfo.InvariantCulture);
            if (!series.TryGetValue(key, out var buckets))
                series[key] = buckets = [];
            buckets[le] = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return new(series);
    }

    /// <summary>The requests answered between <paramref name="before"/> and this scrape.</summary>
    public MetricsSnapshot Since(MetricsSnapshot before) =>
        new(series.ToDictionary(s => s.Key, s => new SortedDictionary<double, double>(s.Value.ToDictionary(b => b.Key,
            b => b.Value - (before.series.TryGetValue(s.Key, out var old) && old.TryGetValue(b.Key, out var was) ? was : 0)))));

    /// <summary>Requests, p50 and p99 (ms) over the routes <paramref name="include"/> accepts.</summary>
    public (long Count, double P50, double P99) Summary(Func<string, bool> include)
    {
        var merged = Merge(series.Where(s => include(s.Key.Endpoint)).Select(s => s.Value));
        return (Total(merged), Quantile(merged, 0.50), Quantile(merged, 0.99));
    }

    /// <summary>Each route's requests and p99 (ms), slowest first.</summary>
    public IReadOnlyList<(string Endpoint, long Count, double P99)> Routes(Func<string, bool> include) =>
        series.Where(s => include(s.Key.Endpoint)).GroupBy(s => s.Key.Endpoint)
            .Select(g => { var merged = Merge(g.Select(s => s.Value)); return (g.Key, Total(merged), Quantile(merged, 0.99)); })
            .Where(r => r.Item2 > 0).OrderByDescending(r => r.Item3).ToList();

    private static SortedDictionary<double, double> Merge(IEnumerable<SortedDictionary<double, double>> all)
    {
        var merged = new SortedDictionary<double, double>();
        foreach (var buckets in all)
            foreach (var (le, count) in buckets)
                merged[le] = merged.GetValueOrDefault(le) + count;
        return merged;
    }

    private static long Total(SortedDictionary<double, double> buckets) =>
        buckets.TryGetValue(double.PositiveInfinity, out var all) ? (long)all : 0;

    private static double Quantile(SortedDictionary<double, double> buckets, double q)
    {
        var total = Total(buckets);
        if (total == 0)
            return double.NaN;
        var rank = q * total;
        double lower = 0, below = 0;
        foreach (var (le, cumulative) in buckets)
        {
            if (cumulative >= rank)
                return double.IsPositiveInfinity(le) ? lower * 1000 : (lower + (le - lower) * ((rank - below) / Math.Max(cumulative - below, 1e-9))) * 1000;
            (lower, below) = (le, cumulative);
        }
        return lower * 1000;
    }

    [GeneratedRegex("""^http_request_duration_seconds_bucket\{code="(?<code>[^"]*)",method="(?<method>[^"]*)",endpoint="(?<endpoint>[^"]*)",le="(?<le>[^"]*)"\} (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}

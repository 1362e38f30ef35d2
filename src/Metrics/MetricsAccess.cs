using System.Net;

namespace GridMap.Metrics;

/// <summary>
/// Who may read a host's <c>/metrics</c>: loopback callers and the networks of <c>Metrics:AllowFrom</c> (comma-separated
/// CIDRs, e.g. the Prometheus server's). Route counts say what the province is doing, so everyone else is refused.
/// </summary>
public sealed class MetricsAccess
{
    /// <summary>Request latency buckets in seconds, fine around the 200 ms and 300 ms targets the benchmarks hold the hosts to.</summary>
    public static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10];

    public const string Refusal = "Metrics are served to loopback and to the networks in Metrics:AllowFrom.";

    private readonly IReadOnlyList<IPNetwork> networks;

    private MetricsAccess(IReadOnlyList<IPNetwork> networks) => this.networks = networks;

    public IReadOnlyList<IPNetwork> Networks => networks;

    /// <summary>Reads the setting; a malformed entry stops the host at start rather than opening its metrics.</summary>
    public static MetricsAccess FromSetting(string? setting) =>
        new(string.IsNullOrWhiteSpace(setting) ? []
            : setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
                IPNetwork.TryParse(entry, out var network) ? network
                : throw new InvalidOperationException($"Metrics:AllowFrom has '{entry}', which is not a network in CIDR form (e.g. 10.0.0.0/8).")).ToList());

    public bool Allows(IPAddress? caller)
    {
        if (caller is null)
            return false;
        if (caller.IsIPv4MappedToIPv6)
            caller = caller.MapToIPv4();
        return IPAddress.IsLoopback(caller) || networks.Any(n => n.Contains(caller));
    }
}

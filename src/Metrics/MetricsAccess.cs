using System.Net;

namespace GridMap.Metrics;

/// <summary>
/// Who may read a host's <c>/metrics</c>: loopback callers and the networks of <c>Metrics:AllowFrom</c> (comma-separated
/// CIDRs, e.g. the Prometheus server's). Route counts say what the province is doing, so everyone else is refused.
/// </summary>
public sealed class MetricsAccess
{
    public const string Refusal = "Metrics are served to loopback and to the networks in Metrics:AllowFrom.";

    private readonly IReadOnlyList<IPNetwork> networks;

    private MetricsAccess(IReadOnlyList<IPNetwork> networks) => this.networks = networks;

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

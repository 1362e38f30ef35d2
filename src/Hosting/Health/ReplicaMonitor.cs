using GridMap.Store.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridMap.Hosting.Health;

/// <summary>Measures the standbys' lag every two seconds (<see cref="ReadReplicas.RefreshAsync"/>); idle without standbys.</summary>
public sealed class ReplicaMonitor(ReadReplicas replicas, ILogger<ReplicaMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!replicas.Enabled)
            return;
        using var timer = new PeriodicTimer(Every);
        var outOfReads = new HashSet<string>();
        do
        {
            try
            {
                await replicas.RefreshAsync(stoppingToken);
                foreach (var standby in replicas.Current)
                {
                    if (!standby.InReads && outOfReads.Add(standby.Endpoint))
                        logger.LogWarning("Standby {Standby} out of reads: {Reason}", standby.Endpoint,
                            standby.Error ?? $"{standby.LagBytes:N0} bytes of WAL behind");
                    else if (standby.InReads && outOfReads.Remove(standby.Endpoint))
                        logger.LogInformation("Standby {Standby} back in reads", standby.Endpoint);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Measuring the standbys failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class ReplicaMonitorServices
{
    /// <summary>The standbys' lag measured in the background (hosts that read through <see cref="ReadReplicas"/>).</summary>
    public static IServiceCollection AddReplicaMonitor(this IServiceCollection services) => services.AddHostedService<ReplicaMonitor>();
}

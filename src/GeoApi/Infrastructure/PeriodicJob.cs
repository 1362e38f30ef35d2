namespace GridMap.GeoApi.Infrastructure;

/// <summary>
/// A background round every <c>{section}:{key}</c> seconds (0 turns it off): a failed round is logged and tried again at
/// the next tick, so a database restart never stops the job. Every API instance runs it; the rounds themselves make
/// that safe (row locks or an advisory lock).
/// </summary>
public abstract class PeriodicJob(IConfiguration configuration, ILogger logger, string settingKey, int defaultSeconds) : BackgroundService
{
    protected abstract Task RoundAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue(settingKey, defaultSeconds);
        if (seconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RoundAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{Job} failed; retrying in {Seconds} s", GetType().Name, seconds);
            }
        }
    }
}

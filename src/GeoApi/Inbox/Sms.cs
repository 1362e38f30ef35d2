using System.Text;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Inbox;

namespace GridMap.GeoApi.Inbox;

/// <summary>
/// Where text messages go. A real gateway (a carrier's or a cloud SMS API) implements this and is registered instead of
/// <see cref="LogFileSmsGateway"/>; it should pass <see cref="OutgoingSms.Id"/> as the provider's client message id, so a
/// message sent again after a crash (the outbox delivers at least once) is dropped by the provider.
/// </summary>
public interface ISmsGateway
{
    Task SendAsync(OutgoingSms message, CancellationToken ct);
}

/// <summary>The default gateway: one line per message appended to a log file (local runs, demos, tests).</summary>
public sealed class LogFileSmsGateway(string path) : ISmsGateway
{
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly SemaphoreSlim gate = new(1, 1);

    public string Path => path;

    public async Task SendAsync(OutgoingSms message, CancellationToken ct)
    {
        var line = $"{DateTimeOffset.UtcNow:O}\t{message.Id}\t{message.Phone}\t{message.Text.ReplaceLineEndings(" ")}\n";
        await gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            await File.AppendAllTextAsync(path, line, NoBom, ct);
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>Drains the text-message outbox every <c>Sms:SendSeconds</c> (default 5; 0 turns it off).</summary>
public sealed class SmsOutboxSender(InboxStore store, ISmsGateway gateway, IConfiguration configuration, ILogger<SmsOutboxSender> logger)
    : PeriodicJob(configuration, logger, "Sms:SendSeconds", 5)
{
    protected override async Task RoundAsync(CancellationToken ct)
    {
        if (await store.DrainOutboxAsync(gateway.SendAsync, ct: ct) is > 0 and var sent)
            logger.LogInformation("Sent {Count} text messages", sent);
    }
}

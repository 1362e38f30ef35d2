using System.Data;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Npgsql;

namespace GridMap.Store.Notifications;

/// <summary>A notice received on a LISTEN connection.</summary>
public sealed record Notification(string Channel, string Payload);

/// <summary>What a <see cref="NotificationListener"/> hands its owner.</summary>
public interface INotificationHandler
{
    /// <summary>
    /// Called once the connection listens, the first time and after every reconnect (<paramref name="connection"/>
    /// counts from 1), before any of its notices is handed over. Notices sent while nothing listened are gone, so this
    /// is where an owner catches up. Throwing here counts as a lost connection.
    /// </summary>
    Task ConnectedAsync(int connection, CancellationToken ct);

    /// <summary>One notice, in the order the server sent them. Throwing here counts as a lost connection.</summary>
    Task ReceivedAsync(Notification notification, CancellationToken ct);

    /// <summary>The connection was lost or a callback failed; the listener listens again after <paramref name="retryIn"/>.</summary>
    void Lost(Exception error, TimeSpan retryIn);
}

/// <summary>
/// One LISTEN connection taken from the pool for as long as it lives. A lost connection (or a failing callback) is
/// reopened with exponential back-off, capped; a quiet connection is probed every <see cref="KeepAlive"/>, so a server
/// that went away is noticed without waiting for a notice that never comes. The connection UNLISTENs before it goes
/// back to the pool: the tiling service's pool skips Npgsql's session reset (<see cref="Database.DataSourceProfile"/>),
/// and a pooled connection still listening would collect notices nobody reads.
/// </summary>
public sealed partial class NotificationListener(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Every listener's connects and notices, by channel (the hosts export them at /metrics): a connect count above 1 is a
    /// reconnect, and notices counted after it prove the live map and the tile invalidation are back.
    /// </summary>
    private static readonly Meter Meter = new("GridMap.Notifications");
    private static readonly Counter<long> Connects = Meter.CreateCounter<long>("listener.connects", description: "LISTEN connections opened (the first and every reconnect), by channels");
    private static readonly Counter<long> Notices = Meter.CreateCounter<long>("listener.notifications", description: "Notices received on LISTEN connections, by channel");

    private TaskCompletionSource listening = NewListening();

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest wait between attempts while the server is away: after a database restart the live map and the tile
    /// invalidation are back within this (the crash drill measured it; at 30 s the tiling service's came back last).
    /// </summary>
    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The server process of the LISTEN connection once it listens (tests end it to prove the reconnect).</summary>
    public int? ProcessId { get; private set; }

    /// <summary>How many times the listener has started listening; above 1 means it reconnected.</summary>
    public int Connections { get; private set; }

    /// <summary>Completes once the listener listens and its owner has caught up (again, after a reconnect, with a new task).</summary>
    public Task Listening => listening.Task;

    /// <summary>Listens on <paramref name="channels"/> until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(IReadOnlyCollection<string> channels, INotificationHandler handler, CancellationToken ct)
    {
        var listen = string.Join(' ', channels.Select(c => $"LISTEN {Identifier(c)};"));
        var names = new KeyValuePair<string, object?>("channels", string.Join(',', channels.Order(StringComparer.Ordinal)));
        var retry = FirstRetry;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(listen, names, handler, () => retry = FirstRetry, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (listening.Task.IsCompleted)
                    listening = NewListening();
                handler.Lost(e, retry);
                try
                {
                    await Task.Delay(retry, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
            }
        }
    }

    private async Task ListenAsync(string listen, KeyValuePair<string, object?> names, INotificationHandler handler, Action connected, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Raised inside Wait or a command on this connection, never while a callback runs: the queue is not shared.
        var received = new Queue<Notification>();
        connection.Notification += (_, e) => received.Enqueue(new Notification(e.Channel, e.Payload));
        try
        {
            await ExecuteAsync(connection, listen, ct);
            ProcessId = connection.ProcessID;
            Connects.Add(1, names);
            await handler.ConnectedAsync(++Connections, ct);
            listening.TrySetResult();
            connected();
            while (true)
            {
                while (received.TryDequeue(out var notification))
                {
                    Notices.Add(1, new KeyValuePair<string, object?>("channel", notification.Channel));
                    await handler.ReceivedAsync(notification, ct);
                }
                if (!await connection.WaitAsync(KeepAlive, ct))
                    await ExecuteAsync(connection, "SELECT 1", ct);
            }
        }
        finally
        {
            await UnlistenAsync(connection);
        }
    }

    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != ConnectionState.Open)
            return;
        try
        {
            await ExecuteAsync(connection, "UNLISTEN *", CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Broken on the way: the pool drops a broken connection instead of handing it out again.
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>LISTEN takes no parameter: a channel name becomes a quoted identifier, and only a plain one is accepted.</summary>
    private static string Identifier(string channel) =>
        PlainName().IsMatch(channel) ? $"\"{channel}\"" : throw new ArgumentException($"'{channel}' is not a plain channel name.", nameof(channel));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex PlainName();

    private static TaskCompletionSource NewListening() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

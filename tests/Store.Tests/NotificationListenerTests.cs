using System.Threading.Channels;
using GridMap.Store.Notifications;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests;

/// <summary>
/// The one LISTEN component, against the real server: each test owns an empty database (notices stay within one) and
/// a data source like the tiling service's (no session reset on return to the pool), so a LISTEN left behind would show.
/// </summary>
public sealed class NotificationListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private OwnDatabase db = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabases.CreateAsync("listen", migrate: false);
        // One pooled connection: what the listener gives back is what the next caller gets.
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { NoResetOnClose = true, MaxPoolSize = 1 }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await db.DisposeAsync();
    }

    /// <summary>Records what the listener hands over; optionally fails the way a callback (the disk tier) can.</summary>
    private sealed class Recorder : INotificationHandler
    {
        public Channel<Notification> Received { get; } = System.Threading.Channels.Channel.CreateUnbounded<Notification>();
        public List<int> Connected { get; } = [];
        public List<TimeSpan> Retries { get; } = [];
        public Func<Notification, bool> FailOn { get; init; } = _ => false;
        public Func<int, bool> FailConnecting { get; init; } = _ => false;
        public Action OnLost { get; init; } = () => { };

        public Task ConnectedAsync(int connection, CancellationToken ct)
        {
            lock (Connected)
                Connected.Add(connection);
            return FailConnecting(connection) ? throw new IOException("catch-up failed") : Task.CompletedTask;
        }

        public Task ReceivedAsync(Notification notification, CancellationToken ct)
        {
            Received.Writer.TryWrite(notification);
            return FailOn(notification) ? throw new IOException("disk tier failed") : Task.CompletedTask;
        }

        public void Lost(Exception error, TimeSpan retryIn)
        {
            lock (Retries)
                Retries.Add(retryIn);
            OnLost();
        }

        public async Task<Notification> NextAsync() => await Received.Reader.ReadAsync().AsTask().WaitAsync(Patience);
    }

    /// <summary>Sends a notice from a connection of its own (the listener's pool has room for one).</summary>
    private async Task NotifyAsync(string channel, string payload)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
        notify.Parameters.Add(new() { Value = channel });
        notify.Parameters.Add(new() { Value = payload });
        await notify.ExecuteNonQueryAsync();
    }

    private async Task<T> OnOwnConnectionAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            command.Parameters.Add(new() { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Notices_of_every_channel_arrive_in_the_order_they_were_sent()
    {
        var listener = new NotificationListener(dataSource);
        var recorder = new Recorder();
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync([Channels.Events, Channels.TileInvalidation], recorder, stop.Token);
        await listener.Listening.WaitAsync(Patience);

        await NotifyAsync(Channels.Events, "1 140428 1");
        await NotifyAsync(Channels.TileInvalidation, Channels.DatasetLoaded);
        await NotifyAsync("not_listened_to", "x");
        await NotifyAsync(Channels.Events, "2 140428 1,3 140428 2");

        Assert.Equal(new Notification(Channels.Events, "1 140428 1"), await recorder.NextAsync());
        Assert.Equal(new Notification(Channels.TileInvalidation, Channels.DatasetLoaded), await recorder.NextAsync());
        Assert.Equal(new Notification(Channels.Events, "2 140428 1,3 140428 2"), await recorder.NextAsync());
        Assert.Equal([1], recorder.Connected);

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task After_its_backend_is_terminated_the_listener_reconnects_and_hears_later_notices()
    {
        var listener = new NotificationListener(dataSource);
        var recorder = new Recorder();
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync([Channels.Events], recorder, stop.Token);
        await listener.Listening.WaitAsync(Patience);
        var first = listener.ProcessId!.Value;

        Assert.True(await OnOwnConnectionAsync<bool>("SELECT pg_terminate_backend($1)", first));
        // The old task completed; a new one completes once the listener listens again.
        while (listener.Connections < 2 || !listener.Listening.IsCompleted)
            await Task.Delay(20).WaitAsync(Patience);
        Assert.NotEqual(first, listener.ProcessId);
        Assert.Equal([1, 2], recorder.Connected);
        Assert.Single(recorder.Retries);

        await NotifyAsync(Channels.Events, "7 140428 1");
        Assert.Equal("7 140428 1", (await recorder.NextAsync()).Payload);

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_failing_callback_unlistens_before_the_connection_goes_back_to_the_pool()
    {
        var listener = new NotificationListener(dataSource) { FirstRetry = TimeSpan.FromMilliseconds(500) };
        // While the listener waits to retry, its connection sits in the pool (size 1): a notice sent now reaches that
        // session only if it still listens, and would then be handed over after the reconnect.
        var recorder = new Recorder
        {
            FailOn = n => n.Payload == "fail",
            OnLost = () => NotifyAsync(Channels.Events, "while away").GetAwaiter().GetResult(),
        };
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync([Channels.Events], recorder, stop.Token);
        await listener.Listening.WaitAsync(Patience);
        var first = listener.ProcessId!.Value;

        await NotifyAsync(Channels.Events, "fail");
        Assert.Equal("fail", (await recorder.NextAsync()).Payload);
        while (listener.Connections < 2 || !listener.Listening.IsCompleted)
            await Task.Delay(20).WaitAsync(Patience);
        // The same session came back from the pool: it was returned whole, not dropped.
        Assert.Equal(first, listener.ProcessId);

        await NotifyAsync(Channels.Events, "after");
        Assert.Equal("after", (await recorder.NextAsync()).Payload);

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_stopped_listener_leaves_no_LISTEN_on_the_pooled_connection()
    {
        var listener = new NotificationListener(dataSource);
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync([Channels.Events, Channels.TileInvalidation], new Recorder(), stop.Token);
        await listener.Listening.WaitAsync(Patience);
        var pid = listener.ProcessId!.Value;
        Assert.Equal(pid, await OnOwnConnectionAsync<int>(
            "SELECT pid FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'LISTEN%'", pid));

        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        await using var next = await dataSource.OpenConnectionAsync();
        Assert.Equal(pid, next.ProcessID);
        await using var channels = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", next);
        Assert.Equal(0L, await channels.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_quiet_connection_is_probed_at_the_keep_alive_interval()
    {
        var listener = new NotificationListener(dataSource) { KeepAlive = TimeSpan.FromMilliseconds(200) };
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync([Channels.Events], new Recorder(), stop.Token);
        await listener.Listening.WaitAsync(Patience);

        // pg_stat_activity shows a session's latest statement: the LISTEN until the first probe replaces it.
        var deadline = DateTime.UtcNow + Patience;
        while (await OnOwnConnectionAsync<string>("SELECT query FROM pg_stat_activity WHERE pid = $1", listener.ProcessId!.Value) != "SELECT 1")
        {
            Assert.True(DateTime.UtcNow < deadline, "no keep-alive probe");
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task Retries_back_off_exponentially_up_to_the_cap()
    {
        var listener = new NotificationListener(dataSource) { FirstRetry = TimeSpan.FromMilliseconds(10), MaxRetry = TimeSpan.FromMilliseconds(40) };
        var recorder = new Recorder { FailConnecting = n => n <= 5 };
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync([Channels.Events], recorder, stop.Token);
        await listener.Listening.WaitAsync(Patience);

        Assert.Equal([10, 20, 40, 40, 40], recorder.Retries.Select(r => r.TotalMilliseconds));
        Assert.Equal([1, 2, 3, 4, 5, 6], recorder.Connected);

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Theory]
    [InlineData("gridmap_events; DROP DATABASE postgres")]
    [InlineData("\"quoted\"")]
    [InlineData("Upper")]
    [InlineData("")]
    public async Task A_channel_name_that_is_not_plain_is_refused_before_any_SQL(string channel)
    {
        var listener = new NotificationListener(dataSource);
        await Assert.ThrowsAsync<ArgumentException>(() => listener.RunAsync([channel], new Recorder(), CancellationToken.None));
        Assert.Equal(0, listener.Connections);
    }
}

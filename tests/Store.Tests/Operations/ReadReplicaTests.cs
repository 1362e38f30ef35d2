using System.Net;
using System.Net.Sockets;
using GridMap.Cli.Operations;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Tests.Operations;

/// <summary>
/// A primary and a hot standby of their own (PostgreSQL's streaming replication: pg_basebackup -R with a slot), small
/// and private to these tests: the shared test cluster is far too big to copy.
/// </summary>
public sealed class StandbyPair : IAsyncLifetime
{
    private const string Password = "gridmap";
    private readonly string root = Path.Combine(Path.GetTempPath(), $"gridmap-replicas-{Guid.NewGuid():N}");

    public string PrimaryConnectionString { get; private set; } = "";

    public string StandbyEndpoint { get; private set; } = "";

    /// <summary>Reads as GeoApi and the tiling service would be configured with GRIDMAP_REPLICAS=1.</summary>
    public string ReadConnectionString { get; private set; } = "";

    public NpgsqlDataSource Primary { get; private set; } = null!;

    public NpgsqlDataSource Standby { get; private set; } = null!;

    private string PrimaryData => Path.Combine(root, "primary");

    private string StandbyData => Path.Combine(root, "standby");

    private int standbyPort;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(root);
        await PostgresTools.GiveToServerAsync(root, default);
        var passwordFile = Path.Combine(root, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        await PostgresTools.GiveToServerAsync(passwordFile, default);
        await PostgresTools.RunAsync(PostgresTools.Server("initdb", "-D", PrimaryData, "-U", "gridmap", "--pwfile=" + passwordFile,
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"), null, default);
        var primaryPort = FreePort();
        await StartAsync(PrimaryData, primaryPort);
        var admin = $"Host=127.0.0.1;Port={primaryPort};Username=gridmap;Password={Password};Database=postgres;Pooling=false";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE gridmap", connection);
            await create.ExecuteNonQueryAsync();
        }
        PrimaryConnectionString = $"Host=127.0.0.1;Port={primaryPort};Username=gridmap;Password={Password};Database=gridmap";
        await using (var setup = NpgsqlDataSource.Create(PrimaryConnectionString))
        await using (var command = setup.CreateCommand("CREATE TABLE probe (v integer NOT NULL); INSERT INTO probe VALUES (1)"))
            await command.ExecuteNonQueryAsync();

        var tools = new PostgresTools(PrimaryConnectionString);
        await PostgresTools.RunAsync(tools.Client("pg_basebackup", "--pgdata=" + StandbyData, "--write-recovery-conf", "--wal-method=stream",
            "--create-slot", "--slot=test_standby", "--checkpoint=fast"), null, default);
        await PostgresTools.GiveToServerAsync(StandbyData, default);
        standbyPort = FreePort();
        await StartAsync(StandbyData, standbyPort);
        StandbyEndpoint = $"127.0.0.1:{standbyPort}";
        ReadConnectionString = $"Host={StandbyEndpoint};Username=gridmap;Password={Password};Database=gridmap";
        Primary = NpgsqlDataSource.Create(PrimaryConnectionString);
        Standby = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={standbyPort};Username=gridmap;Password={Password};Database=gridmap");
    }

    public async Task DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Standby.DisposeAsync();
        foreach (var data in new[] { StandbyData, PrimaryData })
            await PostgresTools.RunAsync(PostgresTools.Server("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"), null, default).ContinueWith(_ => { });
        Directory.Delete(root, recursive: true);
    }

    public Task StopStandbyAsync() => PostgresTools.RunAsync(PostgresTools.Server("pg_ctl", "-D", StandbyData, "-m", "immediate", "-w", "stop"), null, default);

    public async Task StartStandbyAsync()
    {
        await StartAsync(StandbyData, standbyPort);
        Standby.Clear(); // its pooled connections died with the old server
    }

    /// <summary>Pauses or resumes the standby's WAL replay (a standby that falls behind, on demand).</summary>
    public async Task ReplayAsync(bool run)
    {
        await using var command = Standby.CreateCommand(run ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task CatchUpAsync()
    {
        var target = await new WalStore(Primary).CurrentLsnAsync(default);
        for (var i = 0; i < 600; i++)
        {
            await using var command = Standby.CreateCommand("SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::numeric::text");
            if (ulong.Parse((string)(await command.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture) >= target)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException("The standby did not catch up within 30 s.");
    }

    private async Task StartAsync(string data, int port) =>
        await PostgresTools.RunAsync(PostgresTools.Server("pg_ctl", "-D", data, "-l", data + ".log", "-w", "-t", "120", "-o",
            $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=40", "start"), null, default);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Reads on the standby (issue 20, item 1), against a real primary and hot standby: plain reads go to the standby;
/// fenced reads (cached tiles) wait for nothing — they go to the primary while the standby has not replayed the fence;
/// a standby too far behind, or down, is taken out of reads and the reads move to the primary.
/// </summary>
public sealed class ReadReplicaTests(StandbyPair pair) : IClassFixture<StandbyPair>, IAsyncLifetime
{
    private ReadReplicas replicas = null!;

    public Task InitializeAsync()
    {
        replicas = new ReadReplicas(pair.Primary, pair.ReadConnectionString, "gridmap-test", maxLagBytes: 64 * 1024);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await pair.ReplayAsync(run: true);
        await replicas.DisposeAsync();
    }

    private static async Task<(bool OnStandby, int Max)> ReadProbeAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery(), max(v) FROM probe", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetBoolean(0), reader.GetInt32(1));
    }

    private async Task<int> WriteOnPrimaryAsync()
    {
        await using var command = pair.Primary.CreateCommand("INSERT INTO probe SELECT max(v) + 1 FROM probe RETURNING v");
        return (int)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Reads_go_to_the_standby_and_a_fenced_read_to_the_primary_until_the_standby_has_replayed_the_change()
    {
        await pair.CatchUpAsync();
        Assert.True(replicas.Enabled);
        Assert.Equal([pair.StandbyEndpoint], replicas.Current.Select(s => s.Endpoint));
        await using (var plain = await replicas.Reads.OpenConnectionAsync())
            Assert.True((await ReadProbeAsync(plain)).OnStandby);

        // The standby stops replaying (as a slow one would); the primary commits an edit and raises the fence past it.
        await pair.ReplayAsync(run: false);
        var written = await WriteOnPrimaryAsync();
        await replicas.RaiseFenceToPrimaryAsync(default);

        await using (var stale = await replicas.Reads.OpenConnectionAsync())
        {
            var read = await ReadProbeAsync(stale);
            Assert.True(read.OnStandby);
            Assert.True(read.Max < written, "the paused standby does not have the edit yet");
        }
        await using (var fenced = await replicas.OpenFencedAsync(default))
            Assert.Equal((false, written), await ReadProbeAsync(fenced));

        await pair.ReplayAsync(run: true);
        await pair.CatchUpAsync();
        await using (var caughtUp = await replicas.OpenFencedAsync(default))
            Assert.Equal((true, written), await ReadProbeAsync(caughtUp));
    }

    [Fact]
    public async Task A_standby_too_far_behind_leaves_the_reads_until_it_catches_up()
    {
        await pair.CatchUpAsync();
        await replicas.RefreshAsync(default);
        Assert.True(replicas.Current.Single().InReads);

        await pair.ReplayAsync(run: false);
        await using (var bulk = pair.Primary.CreateCommand("INSERT INTO probe SELECT 0 FROM generate_series(1, 20000)"))
            await bulk.ExecuteNonQueryAsync();
        await replicas.RefreshAsync(default);
        var behind = replicas.Current.Single();
        Assert.False(behind.InReads);
        Assert.True(behind.LagBytes > 64 * 1024, $"lag {behind.LagBytes} bytes");
        await using (var reads = await replicas.Reads.OpenConnectionAsync())
            Assert.False((await ReadProbeAsync(reads)).OnStandby);

        await pair.ReplayAsync(run: true);
        await pair.CatchUpAsync();
        await replicas.RefreshAsync(default);
        Assert.True(replicas.Current.Single().InReads);
        Assert.Equal(0, replicas.Current.Single().LagBytes);
        await using (var back = await replicas.Reads.OpenConnectionAsync())
            Assert.True((await ReadProbeAsync(back)).OnStandby);
    }

    [Fact]
    public async Task Reads_move_to_the_primary_when_the_standby_is_killed_and_back_when_it_returns()
    {
        await pair.CatchUpAsync();
        await pair.StopStandbyAsync();
        try
        {
            // Before anyone noticed: prefer-standby finds the standby gone and reads on the primary.
            replicas.Reads.Clear();
            await using (var during = await replicas.Reads.OpenConnectionAsync())
                Assert.False((await ReadProbeAsync(during)).OnStandby);
            await replicas.RefreshAsync(default);
            var down = replicas.Current.Single();
            Assert.False(down.Reachable);
            Assert.False(down.InReads);
            await using (var fenced = await replicas.OpenFencedAsync(default))
                Assert.False((await ReadProbeAsync(fenced)).OnStandby);
        }
        finally
        {
            await pair.StartStandbyAsync();
        }
        await pair.CatchUpAsync();
        await replicas.RefreshAsync(default);
        Assert.True(replicas.Current.Single().InReads);
        await using (var back = await replicas.Reads.OpenConnectionAsync())
            Assert.True((await ReadProbeAsync(back)).OnStandby);
    }
}

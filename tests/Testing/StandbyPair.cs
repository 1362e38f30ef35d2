using System.Net;
using System.Net.Sockets;
using GridMap.Cli.Operations;
using GridMap.Store.Database;
using Npgsql;
using Xunit;

namespace GridMap.Testing;

/// <summary>
/// A primary and a hot standby of their own (PostgreSQL's streaming replication: pg_basebackup -R with a slot), small
/// and private to these tests: the shared test cluster is far too big to copy.
/// </summary>
public class StandbyPair : IAsyncLifetime
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
        await PrepareAsync(PrimaryConnectionString);

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

    /// <summary>What the primary holds before the standby is copied from it: a table <c>probe (v)</c> holding 1.</summary>
    protected virtual async Task PrepareAsync(string connectionString)
    {
        await using var setup = NpgsqlDataSource.Create(connectionString);
        await using var command = setup.CreateCommand("CREATE TABLE probe (v integer NOT NULL); INSERT INTO probe VALUES (1)");
        await command.ExecuteNonQueryAsync();
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

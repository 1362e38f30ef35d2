using GridMap.Store.Database;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests.Operations;

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

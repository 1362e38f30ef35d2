using GridMap.Store.Database;
using GridMap.Store.Events;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests;

/// <summary>Intake under concurrency: retries racing each other with one idempotency key make one event.</summary>
public sealed class EventIntakeTests
{
    [Fact]
    public async Task Fifty_concurrent_reports_with_one_key_create_exactly_one_event()
    {
        await using var db = await TestDatabases.CreateAsync("intakerace", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 60 }.ConnectionString);
        await using var point = dataSource.CreateCommand("SELECT ST_X(label_point), ST_Y(label_point) FROM grid WHERE code = '140428203211006'");
        double lon, lat;
        await using (var reader = await point.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (lon, lat) = (reader.GetDouble(0), reader.GetDouble(1));
        }
        var events = new EventStore(dataSource, TimeProvider.System);
        var report = new NewReport("0601", "同一条上报重试五十次 one report, fifty retries", lon, lat, EventChannels.Web, "race-key-0001");
        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await events.IntakeAsync(null, "public", report);
        })).ToArray();
        start.Set();
        var receipts = await Task.WhenAll(racers);

        Assert.All(receipts, r => Assert.Null(r.Problem));
        Assert.Single(receipts, r => r.Value!.Created);
        Assert.Single(receipts.Select(r => r.Value!.TrackingNo).Distinct());
        await using var count = dataSource.CreateCommand("SELECT count(*), count(*) FILTER (WHERE idempotency_key = 'race-key-0001') FROM event WHERE channel <> 'history'");
        await using (var reader = await count.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.Equal(1L, reader.GetInt64(0));
            Assert.Equal(1L, reader.GetInt64(1));
        }
        var card = await events.ReportAsync(null, "public", report);
        Assert.False(card.Value!.Created);
        Assert.Equal(receipts[0].Value!.TrackingNo, card.Value.Event.TrackingNo);
        Assert.Single(card.Value.Event.History);
    }
}

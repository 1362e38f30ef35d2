using GridMap.Store.Database;
using GridMap.Store.Events;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests;

/// <summary>
/// Group-commit intake: batches handed to the writer directly (so that what shares a batch is known), and the queue's
/// backpressure while the writers are held by a table lock.
/// </summary>
public sealed class EventIntakeBatchTests : IAsyncLifetime
{
    private OwnDatabase database = null!;
    private NpgsqlDataSource dataSource = null!;
    private double lon, lat;

    public async Task InitializeAsync()
    {
        database = await TestDatabases.CreateAsync("intakebatch", withProvince: true);
        dataSource = GridMapDataSource.Create(database.ConnectionString);
        await using var point = dataSource.CreateCommand("SELECT ST_X(label_point), ST_Y(label_point) FROM grid WHERE code = '140428203211006'");
        await using var reader = await point.ExecuteReaderAsync();
        await reader.ReadAsync();
        (lon, lat) = (reader.GetDouble(0), reader.GetDouble(1));
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    private EventStore.PendingReport Pending(string category, string? key, string description = "路边有一堆垃圾 rubbish by the road", double offsetMetres = 0) =>
        new(null, "public", new NewReport(category, description, lon + offsetMetres / 94_000, lat, EventChannels.Web, key), lon + offsetMetres / 94_000, lat);

    private Task<long> ScalarAsync(string sql) => dataSource.ScalarAsync<long>(sql);

    [Fact]
    public async Task A_key_twice_in_one_batch_is_one_event_and_a_near_batch_mate_is_flagged_as_its_duplicate()
    {
        var events = new EventStore(dataSource, TimeProvider.System);
        var first = Pending("0601", "batch-key-0001");
        var retry = Pending("0601", "batch-key-0001");
        var near = Pending("0601", "batch-key-0002", offsetMetres: 20);
        var far = Pending("0601", "batch-key-0003", offsetMetres: 400);
        var otherCategory = Pending("0302", "batch-key-0004", offsetMetres: 20);

        await events.WriteIntakeBatchAsync([first, retry, near, far, otherCategory]);

        var (a, b, c, d, e) = ((await first.Receipt.Task).Value!, (await retry.Receipt.Task).Value!, (await near.Receipt.Task).Value!,
            (await far.Receipt.Task).Value!, (await otherCategory.Receipt.Task).Value!);
        Assert.True(a.Created);
        Assert.False(b.Created);
        Assert.Equal((a.Id, a.TrackingNo), (b.Id, b.TrackingNo));
        Assert.All(new[] { c, d, e }, r => Assert.True(r.Created));
        Assert.Equal(4L, await ScalarAsync("SELECT count(*) FROM event WHERE channel <> 'history'"));
        Assert.Equal(a.Id, await ScalarAsync($"SELECT duplicate_of FROM event WHERE id = {c.Id}"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM event WHERE id IN ({d.Id}, {e.Id}) AND duplicate_of IS NOT NULL"));
        foreach (var id in new[] { a.Id, c.Id, d.Id, e.Id })
            Assert.Null(await events.VerifyChainAsync(id));

        // A later batch with the same key answers with the first event too.
        var later = Pending("0601", "batch-key-0001");
        await events.WriteIntakeBatchAsync([later]);
        Assert.Equal((a.Id, false), ((await later.Receipt.Task).Value!.Id, (await later.Receipt.Task).Value!.Created));
    }

    [Fact]
    public async Task A_row_the_database_refuses_fails_alone_and_its_batch_mates_are_stored()
    {
        var events = new EventStore(dataSource, TimeProvider.System);
        var good = Pending("0601", "bad-row-0001");
        // Longer than event.description allows: only a caller that skipped the API's checks gets this far.
        var bad = Pending("0302", "bad-row-0002", new string('长', 2001));
        var alsoGood = Pending("0303", "bad-row-0003");

        await events.WriteIntakeBatchAsync([good, bad, alsoGood]);

        Assert.True((await good.Receipt.Task).Value!.Created);
        Assert.True((await alsoGood.Receipt.Task).Value!.Created);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => bad.Receipt.Task);
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM event WHERE idempotency_key LIKE 'bad-row-%'"));
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM event_history h JOIN event e ON e.id = h.event_id WHERE e.idempotency_key LIKE 'bad-row-%'"));
    }

    [Fact]
    public async Task A_full_queue_answers_busy_at_once_and_the_queued_reports_are_stored_when_the_writers_get_through()
    {
        // At most 2 writers × 1 report + 2 queued are in flight while a lock holds every insert back.
        var events = new EventStore(dataSource, TimeProvider.System) { IntakeQueueCapacity = 2, IntakeBatchSize = 1 };
        await using var holder = await dataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE event IN SHARE MODE", holder, hold))
            await lockTable.ExecuteNonQueryAsync();

        var reports = Enumerable.Range(0, 8)
            .Select(i => events.IntakeAsync(null, "public", new NewReport("0601", "排队 queued", lon + i * 0.01 / 94, lat, EventChannels.Web, $"queue-key-{i:D4}")))
            .ToArray();
        var firstAnswer = await await Task.WhenAny(reports);
        Assert.Equal(IntakeProblem.Busy, firstAnswer.Problem?.Code);
        await hold.RollbackAsync();
        var receipts = await Task.WhenAll(reports);

        var busy = receipts.Count(r => r.Problem?.Code == IntakeProblem.Busy);
        Assert.InRange(busy, 4, 8);
        Assert.All(receipts.Where(r => r.Problem is null), r => Assert.True(r.Value!.Created));
        Assert.Equal((long)(8 - busy), await ScalarAsync("SELECT count(*) FROM event WHERE idempotency_key LIKE 'queue-key-%'"));
    }
}

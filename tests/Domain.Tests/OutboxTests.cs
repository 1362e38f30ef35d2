using GridMap.Domain.Field;

namespace GridMap.Domain.Tests;

/// <summary>The field app's queue rules: what an answer means, which actions wait, which row version is sent.</summary>
public class OutboxTests
{
    private static OutboxItem Item(long seq, string? subject, int? version = null, OutboxState state = OutboxState.Waiting) =>
        new(seq, $"key-{seq:D6}", "verify", "POST", $"api/x/{seq}", "{}", subject, version, state);

    [Theory]
    [InlineData(200, SyncStep.Accepted)]
    [InlineData(201, SyncStep.Accepted)]
    [InlineData(202, SyncStep.Accepted)]
    [InlineData(400, SyncStep.Refused)]
    [InlineData(403, SyncStep.Refused)]
    [InlineData(404, SyncStep.Refused)]
    [InlineData(413, SyncStep.Refused)]
    [InlineData(422, SyncStep.Refused)]
    [InlineData(409, SyncStep.Conflict)]
    [InlineData(401, SyncStep.SignInAgain)]
    [InlineData(408, SyncStep.TryLater)]
    [InlineData(429, SyncStep.TryLater)]
    [InlineData(500, SyncStep.TryLater)]
    [InlineData(502, SyncStep.TryLater)]
    [InlineData(503, SyncStep.TryLater)]
    public void An_answer_decides_the_step(int status, SyncStep step) => Assert.Equal(step, Outbox.Classify(status));

    [Fact]
    public void No_answer_at_all_is_tried_again_later() => Assert.Equal(SyncStep.TryLater, Outbox.Classify(null));

    [Fact]
    public void A_409_without_the_records_current_version_is_a_refusal_to_correct_not_a_conflict()
    {
        Assert.Equal(SyncStep.Conflict, Outbox.Classify(409, namesCurrentVersion: true));
        Assert.Equal(SyncStep.Refused, Outbox.Classify(409, namesCurrentVersion: false));
        Assert.Equal(SyncStep.Refused, Outbox.Classify(422, namesCurrentVersion: false));
    }

    [Fact]
    public void Actions_go_in_order_and_those_behind_a_held_action_on_the_same_record_wait()
    {
        var queue = new[]
        {
            Item(5, "household:2"),
            Item(1, "household:1", 3, OutboxState.Conflict),
            Item(2, "household:1", 3),
            Item(3, null),
            Item(4, "household:3", 1, OutboxState.Refused),
            Item(6, "household:3"),
            Item(7, "household:1"),
            Item(8, null, null, OutboxState.Done),
        };
        Assert.Equal([3L, 5L], Outbox.Sendable(queue).Select(i => i.Seq));
    }

    [Fact]
    public void An_action_after_a_held_one_on_another_record_still_goes() =>
        Assert.Equal([2L], Outbox.Sendable([Item(1, "household:1", 1, OutboxState.Refused), Item(2, "household:2", 1)]).Select(i => i.Seq));

    [Fact]
    public void The_managers_own_earlier_change_moves_the_version_their_next_change_is_sent_with()
    {
        var accepted = new Dictionary<string, int> { ["household:1"] = 7 };
        Assert.Equal(7, Outbox.VersionToSend(Item(2, "household:1", 5), accepted));
        Assert.Equal(5, Outbox.VersionToSend(Item(3, "household:2", 5), accepted));
        Assert.Null(Outbox.VersionToSend(Item(4, null), accepted));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(6, 160)]
    [InlineData(7, 300)]
    [InlineData(40, 300)]
    public void Failed_syncs_back_off_to_at_most_five_minutes(int failures, int seconds) => Assert.Equal(seconds, Outbox.RetryDelaySeconds(failures));

    [Fact]
    public void Device_data_is_refused_after_seven_days_without_a_sync()
    {
        var last = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.False(Outbox.Expired(last, last.AddDays(7)));
        Assert.True(Outbox.Expired(last, last.AddDays(7).AddMinutes(1)));
    }
}

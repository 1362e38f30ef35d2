using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

/// <summary>Who the personal inbox tells what (issue 17, item 3).</summary>
public sealed class EventNoticeTests
{
    private static PersonalNotice Only(EventCase before, EventCommand? command, Access.Caller actor, string? actorName = null)
    {
        var after = command is null ? before : before.Do(command, actor);
        return Assert.Single(EventNotices.For(before, after, command, actorName ?? actor.Username));
    }

    [Fact]
    public void The_person_given_a_step_the_holder_of_a_supervised_returned_or_overdue_step_and_nobody_for_their_own_action()
    {
        var colleague = Colleague(new StepOwner(Village.Scope), "village2");
        var handling = Reach(EventState.Handling);
        var assigned = Only(handling, new EventCommand.Assign("village2", colleague), Township);
        Assert.Equal(("village2", NoticeKind.Assigned), (assigned.To, assigned.Kind));

        var supervised = Only(handling, new EventCommand.Supervise("请加快", AnswerRequired: true), County);
        Assert.Equal(("village", NoticeKind.Supervised), (supervised.To, supervised.Kind));
        Assert.Contains("前答复", supervised.Phrase);

        var feedback = Reach(EventState.FeedbackGiven);
        var returned = Only(feedback, new EventCommand.Verify(false, "仍有争吵"), GridManager);
        Assert.Equal(("village", NoticeKind.Returned), (returned.To, returned.Kind));

        var overdue = Assert.Single(EventNotices.For(handling, handling, null, EventWorkflow.SystemActor));
        Assert.Equal(("village", NoticeKind.Overdue), (overdue.To, overdue.Kind));

        // Claiming, acting on one's own step, a step nobody holds, a supervision of an unheld step: nobody is told.
        var dispatched = Reach(EventState.Dispatched);
        Assert.Empty(EventNotices.For(dispatched, dispatched.Do(new EventCommand.Claim(), Village), new EventCommand.Claim(), "village"));
        Assert.Empty(EventNotices.For(dispatched, dispatched, null, EventWorkflow.SystemActor));
        Assert.Empty(EventNotices.For(dispatched, dispatched.Do(new EventCommand.Supervise("催办"), County), new EventCommand.Supervise("催办"), "county"));
        var selfAssigned = dispatched.Do(new EventCommand.Assign("village", Village), Village);
        Assert.Empty(EventNotices.For(dispatched, selfAssigned, new EventCommand.Assign("village", Village), "village"));
    }
}

using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

public sealed class EventTransitionTests
{
    /// <summary>Every allowed (state, action) pair, with the state it leads to and who is entitled to take it.</summary>
    public static readonly TheoryData<EventState, EventAction, EventState, string> Allowed = new()
    {
        { EventState.Reported, EventAction.Accept, EventState.Accepted, "township" },
        { EventState.Reported, EventAction.Reject, EventState.Rejected, "township" },
        { EventState.Reported, EventAction.ResolveOnTheSpot, EventState.Closed, "gm" },
        { EventState.Reported, EventAction.Supervise, EventState.Reported, "county" },
        { EventState.Reported, EventAction.HoldToAccount, EventState.Reported, "county" },
        { EventState.Accepted, EventAction.Register, EventState.Registered, "township" },
        { EventState.Accepted, EventAction.RequestVoid, EventState.Accepted, "village" },
        { EventState.Accepted, EventAction.ApproveVoid, EventState.Voided, "county" },
        { EventState.Accepted, EventAction.Supervise, EventState.Accepted, "county" },
        { EventState.Accepted, EventAction.HoldToAccount, EventState.Accepted, "county" },
        { EventState.Registered, EventAction.Dispatch, EventState.Dispatched, "township" },
        { EventState.Registered, EventAction.Suspend, EventState.Suspended, "county" },
        { EventState.Registered, EventAction.RequestVoid, EventState.Registered, "township" },
        { EventState.Registered, EventAction.ApproveVoid, EventState.Voided, "county" },
        { EventState.Registered, EventAction.Supervise, EventState.Registered, "county" },
        { EventState.Registered, EventAction.HoldToAccount, EventState.Registered, "county" },
        { EventState.Dispatched, EventAction.StartHandling, EventState.Handling, "village" },
        { EventState.Dispatched, EventAction.Dispatch, EventState.Dispatched, "village" },
        { EventState.Dispatched, EventAction.Escalate, EventState.Dispatched, "village" },
        { EventState.Dispatched, EventAction.SendBack, EventState.Registered, "village" },
        { EventState.Dispatched, EventAction.RequestExtension, EventState.Dispatched, "village" },
        { EventState.Dispatched, EventAction.ApproveExtension, EventState.Dispatched, "township" },
        { EventState.Dispatched, EventAction.Suspend, EventState.Suspended, "township" },
        { EventState.Dispatched, EventAction.RequestVoid, EventState.Dispatched, "township" },
        { EventState.Dispatched, EventAction.ApproveVoid, EventState.Voided, "township" },
        { EventState.Dispatched, EventAction.Supervise, EventState.Dispatched, "county" },
        { EventState.Dispatched, EventAction.HoldToAccount, EventState.Dispatched, "township" },
        { EventState.Handling, EventAction.Feedback, EventState.FeedbackGiven, "village" },
        { EventState.Handling, EventAction.Escalate, EventState.Dispatched, "village" },
        { EventState.Handling, EventAction.SendBack, EventState.Registered, "village" },
        { EventState.Handling, EventAction.RequestExtension, EventState.Handling, "village" },
        { EventState.Handling, EventAction.ApproveExtension, EventState.Handling, "township" },
        { EventState.Handling, EventAction.Suspend, EventState.Suspended, "township" },
        { EventState.Handling, EventAction.RequestVoid, EventState.Handling, "township" },
        { EventState.Handling, EventAction.ApproveVoid, EventState.Voided, "county" },
        { EventState.Handling, EventAction.Supervise, EventState.Handling, "township" },
        { EventState.Handling, EventAction.HoldToAccount, EventState.Handling, "township" },
        { EventState.FeedbackGiven, EventAction.Verify, EventState.Verifying, "gm" },
        { EventState.FeedbackGiven, EventAction.Supervise, EventState.FeedbackGiven, "village" },
        { EventState.FeedbackGiven, EventAction.HoldToAccount, EventState.FeedbackGiven, "township" },
        { EventState.Verifying, EventAction.Close, EventState.Closed, "township" },
        { EventState.Verifying, EventAction.Supervise, EventState.Verifying, "county" },
        { EventState.Verifying, EventAction.HoldToAccount, EventState.Verifying, "county" },
        { EventState.Rework, EventAction.StartHandling, EventState.Handling, "village" },
        { EventState.Rework, EventAction.Escalate, EventState.Dispatched, "village" },
        { EventState.Rework, EventAction.RequestExtension, EventState.Rework, "village" },
        { EventState.Rework, EventAction.ApproveExtension, EventState.Rework, "township" },
        { EventState.Rework, EventAction.Suspend, EventState.Suspended, "township" },
        { EventState.Rework, EventAction.RequestVoid, EventState.Rework, "township" },
        { EventState.Rework, EventAction.ApproveVoid, EventState.Voided, "township" },
        { EventState.Rework, EventAction.Supervise, EventState.Rework, "township" },
        { EventState.Rework, EventAction.HoldToAccount, EventState.Rework, "county" },
        { EventState.Suspended, EventAction.Resume, EventState.Handling, "township" },
        { EventState.Suspended, EventAction.RequestVoid, EventState.Suspended, "township" },
        { EventState.Suspended, EventAction.ApproveVoid, EventState.Voided, "township" },
        { EventState.Suspended, EventAction.Supervise, EventState.Suspended, "township" },
        { EventState.Suspended, EventAction.HoldToAccount, EventState.Suspended, "township" },
        { EventState.Rejected, EventAction.HoldToAccount, EventState.Rejected, "county" },
        { EventState.Voided, EventAction.HoldToAccount, EventState.Voided, "county" },
        { EventState.Closed, EventAction.HoldToAccount, EventState.Closed, "county" },
        { EventState.Reported, EventAction.Claim, EventState.Reported, "township" },
        { EventState.Reported, EventAction.Assign, EventState.Reported, "county" },
        { EventState.Accepted, EventAction.Claim, EventState.Accepted, "township" },
        { EventState.Accepted, EventAction.Assign, EventState.Accepted, "county" },
        { EventState.Registered, EventAction.Claim, EventState.Registered, "township" },
        { EventState.Registered, EventAction.Assign, EventState.Registered, "county" },
        { EventState.Dispatched, EventAction.Claim, EventState.Dispatched, "village" },
        { EventState.Dispatched, EventAction.Assign, EventState.Dispatched, "township" },
        { EventState.Handling, EventAction.Claim, EventState.Handling, "village" },
        { EventState.Handling, EventAction.Assign, EventState.Handling, "township" },
        { EventState.Verifying, EventAction.Claim, EventState.Verifying, "township" },
        { EventState.Verifying, EventAction.Assign, EventState.Verifying, "county" },
        { EventState.Rework, EventAction.Claim, EventState.Rework, "village" },
        { EventState.Rework, EventAction.Assign, EventState.Rework, "township" },
        { EventState.Reported, EventAction.AnswerSupervision, EventState.Reported, "township" },
        { EventState.Accepted, EventAction.AnswerSupervision, EventState.Accepted, "township" },
        { EventState.Registered, EventAction.AnswerSupervision, EventState.Registered, "township" },
        { EventState.Dispatched, EventAction.AnswerSupervision, EventState.Dispatched, "village" },
        { EventState.Handling, EventAction.AnswerSupervision, EventState.Handling, "village" },
        { EventState.FeedbackGiven, EventAction.AnswerSupervision, EventState.FeedbackGiven, "gm" },
        { EventState.Verifying, EventAction.AnswerSupervision, EventState.Verifying, "township" },
        { EventState.Rework, EventAction.AnswerSupervision, EventState.Rework, "village" },
        { EventState.Suspended, EventAction.AnswerSupervision, EventState.Suspended, "village" },
    };

    private static readonly HashSet<(EventState, EventAction)> AllowedSet =
        Allowed.Select(row => ((EventState)row[0], (EventAction)row[1])).ToHashSet();

    public static TheoryData<EventState, EventAction> CrossProduct()
    {
        var data = new TheoryData<EventState, EventAction>();
        foreach (var state in Enum.GetValues<EventState>())
            foreach (var action in Enum.GetValues<EventAction>())
                data.Add(state, action);
        return data;
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Allowed_transition(EventState from, EventAction action, EventState to, string actor)
    {
        var c = WithPendingRequest(Reach(from), action);
        var result = EventWorkflow.Apply(c, action == EventAction.Assign ? AssignToColleague(c) : Sample(action), ByName[actor], Monday.AddHours(1), Calendar);
        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(to, result.Case!.State);
        Assert.Equal(new HistoryEntry(c.History.Count + 1, Monday.AddHours(1), actor, action, from, to, result.Entry!.Reason), result.Entry);
        Assert.Equal(result.Entry, result.Case.History[^1]);
    }

    [Theory]
    [MemberData(nameof(CrossProduct))]
    public void Every_state_and_action(EventState state, EventAction action)
    {
        var result = EventWorkflow.Apply(WithPendingRequest(Reach(state), action), Sample(action), County, Monday.AddHours(1), Calendar);
        Assert.Equal(AllowedSet.Contains((state, action)), result.Refusal?.Kind != RefusalKind.NotInThisState);
    }

    [Fact]
    public void The_engine_table_and_the_written_table_agree()
    {
        var engine = Enum.GetValues<EventState>()
            .SelectMany(s => Enum.GetValues<EventAction>().Where(a => EventWorkflow.Admits(s, a)).Select(a => (s, a)));
        Assert.Equal(AllowedSet.OrderBy(p => p).ToArray(), engine.OrderBy(p => p).ToArray());
    }

    [Fact]
    public void A_refused_action_reads_as_a_sentence() =>
        Assert.Equal("An event that is closed cannot be dispatched.",
            Reach(EventState.Closed).Refused(Sample(EventAction.Dispatch), County).Message);

    private static EventCase WithPendingRequest(EventCase c, EventAction action) => action switch
    {
        EventAction.ApproveExtension when EventWorkflow.Admits(c.State, EventAction.RequestExtension) =>
            c.Do(Sample(EventAction.RequestExtension), ByName[c.Owner.Unit.Value.Length == 12 ? "village" : "township"]),
        EventAction.ApproveVoid when EventWorkflow.Admits(c.State, EventAction.RequestVoid) => c.Do(Sample(EventAction.RequestVoid), Township),
        // A step nobody holds yet (acting on a step takes it, so most states along the main path are already held).
        EventAction.Claim => c with { Holder = null },
        EventAction.AnswerSupervision => c with { SupervisionAnswerDue = Monday.AddDays(1) },
        _ => c,
    };
}

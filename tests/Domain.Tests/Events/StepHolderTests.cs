using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

/// <summary>Named handlers (承办人, issue 17): who holds a step, how it is claimed, assigned, handed on and returned.</summary>
public sealed class StepHolderTests
{
    private static readonly Access.Caller VillageColleague = Colleague(new StepOwner(Village.Scope), "village2");

    [Fact]
    public void Acting_on_an_unheld_step_of_ones_own_unit_takes_it_and_a_new_owner_starts_unheld()
    {
        Assert.Null(Reach(EventState.Reported).Holder);
        Assert.Equal("township", Reach(EventState.Accepted).Holder);
        Assert.Null(Reach(EventState.Dispatched).Holder);
        Assert.Equal("village", Reach(EventState.Handling).Holder);
        Assert.Null(Reach(EventState.FeedbackGiven).Holder);
        // A step of a grid is its one manager's: not claimed, not assigned.
        var atGrid = Reach(EventState.Registered).Do(new EventCommand.Dispatch(DispatchTarget.ToLevel(Codes.AdminLevel.Grid)), Township);
        Assert.Contains("not claimed or assigned", atGrid.Refused(new EventCommand.Claim(), GridManager).Message);
        Assert.Equal(RefusalKind.NotInThisState, Reach(EventState.FeedbackGiven).Refused(new EventCommand.Claim(), GridManager).Kind);
        Assert.Null(Reach(EventState.Closed).Holder);
        Assert.Null(Reach(EventState.Handling).Do(new EventCommand.Escalate("beyond us"), Village).Holder);
        // Centres above act without taking the step: supervising is not holding.
        Assert.Null(Reach(EventState.Dispatched).Do(new EventCommand.Supervise("faster"), County).Holder);
    }

    [Fact]
    public void A_held_step_is_acted_on_by_its_holder_only_until_it_is_assigned_to_someone_else()
    {
        var handling = Reach(EventState.Handling);
        var refused = handling.Refused(new EventCommand.Feedback("done"), VillageColleague);
        Assert.Equal(RefusalKind.NotAuthorised, refused.Kind);
        Assert.Equal("village holds this step: they act on it, or it is assigned to someone else first.", refused.Message);
        var colleagueMay = EventWorkflow.ActionsFor(handling, VillageColleague);
        Assert.Contains(EventAction.Assign, colleagueMay);
        Assert.DoesNotContain(EventAction.Feedback, colleagueMay);
        Assert.DoesNotContain(EventAction.Claim, colleagueMay);
        Assert.Contains(EventAction.Feedback, EventWorkflow.ActionsFor(handling, Village));

        var assigned = handling.Do(new EventCommand.Assign("village2", VillageColleague), Township);
        Assert.Equal("village2", assigned.Holder);
        Assert.Equal("village → village2", assigned.History[^1].Reason);
        Assert.Equal(EventAction.Assign, assigned.History[^1].Action);
        Assert.Equal(EventState.Handling, assigned.State);
        Assert.Equal(RefusalKind.NotAuthorised, assigned.Refused(new EventCommand.Feedback("done"), Village).Kind);
        Assert.Equal(EventState.FeedbackGiven, assigned.Do(new EventCommand.Feedback("done"), VillageColleague).State);
    }

    [Fact]
    public void Only_members_of_the_owner_hold_a_step_and_nobody_claims_one_held_by_someone_else()
    {
        var handling = Reach(EventState.Handling);
        Assert.Equal("There is no active account ghost.", handling.Refused(new EventCommand.Assign("ghost", null), Township).Message);
        var outsider = handling.Refused(new EventCommand.Assign("township", Township), Township);
        Assert.Equal(RefusalKind.Precondition, outsider.Kind);
        Assert.Contains("not a member of the step's owner", outsider.Message);
        Assert.Equal("village already holds this step.", handling.Refused(new EventCommand.Assign("village", Village), Township).Message);
        Assert.Equal(RefusalKind.NotAuthorised, handling.Refused(new EventCommand.Assign("village2", VillageColleague), OtherTownship).Kind);
        Assert.Equal("You already hold this step.", handling.Refused(new EventCommand.Claim(), Village).Message);
        Assert.Equal(RefusalKind.NotAuthorised, handling.Refused(new EventCommand.Claim(), VillageColleague).Kind);

        var dispatched = Reach(EventState.Dispatched);
        Assert.Equal(RefusalKind.NotAuthorised, dispatched.Refused(new EventCommand.Claim(), Township).Kind);
        var claimed = dispatched.Do(new EventCommand.Claim(), VillageColleague);
        Assert.Equal("village2", claimed.Holder);
        Assert.Equal("→ village2", claimed.History[^1].Reason);
        Assert.Equal(RefusalKind.NotAuthorised, claimed.Refused(new EventCommand.StartHandling(), Village).Kind);
    }

    [Fact]
    public void A_failed_verification_returns_the_step_to_the_person_who_gave_the_feedback()
    {
        var byColleague = Reach(EventState.Dispatched).Do(new EventCommand.Claim(), VillageColleague)
            .Do(new EventCommand.StartHandling(), VillageColleague).Do(new EventCommand.Feedback("talked to both"), VillageColleague);
        Assert.Equal("village2", byColleague.HandlerHolder);
        var rework = byColleague.Do(new EventCommand.Verify(false, "still arguing"), GridManager);
        Assert.Equal(EventState.Rework, rework.State);
        Assert.Equal("village2", rework.Holder);
        Assert.Equal(RefusalKind.NotAuthorised, rework.Refused(new EventCommand.StartHandling(), Village).Kind);
        Assert.Null(byColleague.Do(new EventCommand.Verify(true), GridManager).Holder);
    }
}

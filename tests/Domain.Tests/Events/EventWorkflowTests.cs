using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

public sealed class EventWorkflowTests
{
    private static DateTimeOffset Cst(string local) => DateTimeOffset.Parse(local + "+08:00");

    [Theory]
    [InlineData("0201", "2026-03-07 23:55", "2026-03-08 00:05")] // urgent: 10 calendar minutes, even at the weekend
    [InlineData("0101", "2026-03-06 17:45", "2026-03-09 08:45")] // others: 30 working minutes
    public void Intake_deadline_by_category(string category, string reported, string due) =>
        Assert.Equal(Cst(due), Report(EventCategories.All.Single(c => c.Code == category), at: Cst(reported)).Due);

    [Theory]
    [InlineData(true, "2026-03-02 10:00")]
    [InlineData(false, "2026-03-02 11:00")]
    public void Verification_takes_one_working_hour_in_town_and_two_in_the_country(bool urban, string due)
    {
        var c = EventWorkflow.Report("E2", EventCategories.Dispute, Grid, urban, "gm", Monday, Calendar)
            .Do(new EventCommand.Accept(), Township).Do(new EventCommand.Register(), Township)
            .Do(new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.Village)), Township)
            .Do(new EventCommand.StartHandling(), Village).Do(new EventCommand.Feedback("done"), Village);
        Assert.Equal(Cst(due), c.Due);
        Assert.Equal(new StepOwner(Grid), c.Owner);
    }

    [Fact]
    public void Dispatch_starts_the_handling_clock_in_working_days() =>
        Assert.Equal(Cst("2026-03-09 09:00"), Reach(EventState.Dispatched).Due);

    [Fact]
    public void Dispatch_to_a_department_hands_it_to_that_departments_officers()
    {
        var c = Reach(EventState.Registered, EventCategories.Hazard)
            .Do(new EventCommand.Dispatch(DispatchTarget.ToDepartment("emergency")), Township);
        Assert.Equal(new StepOwner(AdminCode.Parse("140428"), "emergency"), c.Owner);
        Assert.Equal(RefusalKind.NotAuthorised, c.Refused(new EventCommand.StartHandling(), Health).Kind);
        Assert.Equal(RefusalKind.NotAuthorised, c.Refused(new EventCommand.StartHandling(), Township).Kind);
        Assert.Equal(EventState.Handling, c.Do(new EventCommand.StartHandling(), Emergency).State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Suspension_without_a_reason_is_refused(string reason) =>
        Assert.Equal("Suspending an event needs a reason.",
            Reach(EventState.Handling).Refused(new EventCommand.Suspend(reason), Township).Message);

    [Fact]
    public void The_clock_stops_while_suspended_and_resumes_with_what_was_left()
    {
        var handling = Reach(EventState.Handling);
        Assert.Equal(Cst("2026-03-09 09:00"), handling.Due);
        var suspended = handling.Do(new EventCommand.Suspend("court case pending"), Township, Cst("2026-03-02 10:00"));
        Assert.Null(suspended.Due);
        Assert.Equal(TimeSpan.FromHours(34), suspended.PausedRemaining);
        Assert.False(EventWorkflow.Overdue(suspended, Cst("2026-12-31 10:00")));

        var resumed = suspended.Do(new EventCommand.Resume(), Township, Cst("2026-03-13 10:00"));
        Assert.Equal(EventState.Handling, resumed.State);
        Assert.Equal(Cst("2026-03-20 09:00"), resumed.Due);
        Assert.False(EventWorkflow.Overdue(resumed, Cst("2026-03-20 09:00")));
        Assert.True(EventWorkflow.Overdue(resumed, Cst("2026-03-20 09:01")));
    }

    [Fact]
    public void An_urgent_intake_clock_pauses_in_calendar_minutes()
    {
        var registered = Report(EventCategories.Hazard, at: Cst("2026-03-07 23:55"))
            .Do(new EventCommand.Accept(), Township, Cst("2026-03-07 23:57")).Do(new EventCommand.Register(), Township, Cst("2026-03-07 23:58"));
        var suspended = registered.Do(new EventCommand.Suspend("road closed by snow"), County, Cst("2026-03-08 00:00"));
        Assert.Equal(TimeSpan.FromMinutes(5), suspended.PausedRemaining);
        Assert.Equal(Cst("2026-03-08 06:05"), suspended.Do(new EventCommand.Resume(), County, Cst("2026-03-08 06:00")).Due);
    }

    [Fact]
    public void Suspension_needs_the_level_above_the_owner() =>
        Assert.Equal(RefusalKind.NotAuthorised, Reach(EventState.Handling).Refused(new EventCommand.Suspend("waiting"), Village).Kind);

    [Fact]
    public void An_approved_extension_moves_the_deadline()
    {
        var requested = Reach(EventState.Handling).Do(new EventCommand.RequestExtension(TimeLimit.WorkingDays(2), "surveyor booked"), Village);
        Assert.Equal(Cst("2026-03-09 09:00"), requested.Due);
        Assert.Equal(RefusalKind.NotAuthorised, requested.Refused(new EventCommand.ApproveExtension(), Village).Kind);
        var approved = requested.Do(new EventCommand.ApproveExtension(), Township);
        Assert.Equal(Cst("2026-03-11 09:00"), approved.Due);
        Assert.Null(approved.PendingExtension);
        Assert.Equal("There is no extension request to approve.", approved.Refused(new EventCommand.ApproveExtension(), Township).Message);
    }

    [Fact]
    public void A_failed_verification_loops_back_to_the_same_handler_until_it_passes()
    {
        var c = Reach(EventState.Handling);
        for (var round = 0; round < 2; round++)
        {
            c = c.Do(new EventCommand.Feedback("done"), Village).Do(new EventCommand.Verify(false, "still leaking"), GridManager);
            Assert.Equal(EventState.Rework, c.State);
            Assert.Equal(new StepOwner(AdminCode.Parse("140428203211")), c.Owner);
            c = c.Do(new EventCommand.StartHandling(), Village);
        }
        c = c.Do(new EventCommand.Feedback("fixed"), Village).Do(new EventCommand.Verify(true), GridManager).Do(new EventCommand.Close(), Township);
        Assert.Equal(EventState.Closed, c.State);
        Assert.Equal(2, c.History.Count(h => h.To == EventState.Rework));
        Assert.Equal(Enumerable.Range(1, c.History.Count), c.History.Select(h => h.Sequence));
    }

    [Fact]
    public void Escalation_climbs_one_level_at_a_time_and_stops_at_the_county()
    {
        var c = Reach(EventState.Registered).Do(new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.Grid)), Township);
        c = c.Do(new EventCommand.Escalate("needs the village"), GridManager);
        Assert.Equal(AdminLevel.Village, c.Owner.Level);
        c = c.Do(new EventCommand.Escalate("needs the township"), Village);
        Assert.Equal(AdminLevel.Township, c.Owner.Level);
        c = c.Do(new EventCommand.Escalate("needs the county"), Township);
        Assert.Equal(new StepOwner(AdminCode.Parse("140428")), c.Owner);
        Assert.Equal("The county is the top of the event chain; an event owned at county level cannot be escalated further.",
            c.Refused(new EventCommand.Escalate("higher"), County).Message);
    }

    [Fact]
    public void Overdue_handling_escalates_itself()
    {
        var c = Reach(EventState.Dispatched, EventCategories.Hazard);
        Assert.Equal(Cst("2026-03-03 09:00"), c.Due);
        Assert.Null(EventWorkflow.AutoEscalate(c, Cst("2026-03-03 09:00"), Calendar));
        var result = EventWorkflow.AutoEscalate(c, Cst("2026-03-03 09:01"), Calendar)!;
        Assert.Equal(AdminLevel.Township, result.Case!.Owner.Level);
        Assert.Equal(EventWorkflow.SystemActor, result.Entry!.Actor);
        Assert.Equal(Cst("2026-03-04 09:01"), result.Case.Due);
    }

    [Fact]
    public void Overdue_verification_only_alerts()
    {
        var c = Reach(EventState.FeedbackGiven);
        Assert.True(EventWorkflow.Overdue(c, Monday.AddDays(1)));
        Assert.Null(EventWorkflow.AutoEscalate(c, Monday.AddDays(1), Calendar));
    }

    [Fact]
    public void A_county_owned_event_does_not_escalate_itself()
    {
        var c = Reach(EventState.Registered).Do(new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.County)), Township);
        Assert.Null(EventWorkflow.AutoEscalate(c, Monday.AddDays(30), Calendar));
    }

    [Fact]
    public void A_grid_manager_resolves_a_minor_event_on_the_spot()
    {
        var c = Report().Do(new EventCommand.ResolveOnTheSpot("neighbours agreed"), GridManager);
        Assert.Equal(EventState.Closed, c.State);
        Assert.Equal(new HistoryEntry(1, Monday, "gm", EventAction.ResolveOnTheSpot, EventState.Reported, EventState.Closed, "neighbours agreed"), c.History.Single());
    }

    [Fact]
    public void A_hazard_cannot_be_resolved_on_the_spot() =>
        Assert.Equal(RefusalKind.Precondition, Report(EventCategories.Hazard).Refused(new EventCommand.ResolveOnTheSpot("x"), GridManager).Kind);

    [Fact]
    public void Resolving_on_the_spot_is_only_at_report_time() =>
        Assert.Equal(RefusalKind.NotInThisState, Reach(EventState.Accepted).Refused(new EventCommand.ResolveOnTheSpot("x"), GridManager).Kind);

    [Theory]
    [InlineData(EventState.Reported, EventAction.Accept, "gm")] // wrong role
    [InlineData(EventState.Reported, EventAction.Accept, "township100")] // wrong area
    [InlineData(EventState.Reported, EventAction.Accept, "planner")]
    [InlineData(EventState.Reported, EventAction.ResolveOnTheSpot, "gm5")] // another grid
    [InlineData(EventState.Reported, EventAction.ResolveOnTheSpot, "village")]
    [InlineData(EventState.Dispatched, EventAction.StartHandling, "township")] // not the owner
    [InlineData(EventState.Dispatched, EventAction.StartHandling, "gm")]
    [InlineData(EventState.Handling, EventAction.Feedback, "emergency")]
    [InlineData(EventState.FeedbackGiven, EventAction.Verify, "gm5")]
    [InlineData(EventState.FeedbackGiven, EventAction.Verify, "village")]
    [InlineData(EventState.Verifying, EventAction.Close, "gm")]
    [InlineData(EventState.Handling, EventAction.Supervise, "village")] // supervision comes from above
    [InlineData(EventState.Handling, EventAction.HoldToAccount, "township100")]
    [InlineData(EventState.Suspended, EventAction.Resume, "village")]
    public void Refuses_the_wrong_role_or_area(EventState state, EventAction action, string actor) =>
        Assert.Equal(RefusalKind.NotAuthorised, Reach(state).Refused(Sample(action), ByName[actor]).Kind);

    [Fact]
    public void A_refusal_names_who_may_act() =>
        Assert.Equal("Only the grid manager of grid 140428203211006 may do this; gm5 is grid_manager for 140428203211005.",
            Reach(EventState.FeedbackGiven).Refused(new EventCommand.Verify(true), OtherGridManager).Message);

    [Fact]
    public void Supervision_flags_without_moving_and_accountability_is_recorded()
    {
        var c = Reach(EventState.Handling).Do(new EventCommand.Supervise("third complaint"), County)
            .Do(new EventCommand.HoldToAccount("village head", "ignored reminders"), County);
        Assert.Equal(EventState.Handling, c.State);
        Assert.Equal(1, c.Supervisions);
        Assert.Equal(new Accountability(Monday, "county", "village head", "ignored reminders"), c.Accountabilities.Single());
    }

    [Fact]
    public void Voiding_is_requested_then_approved_from_above()
    {
        var c = Reach(EventState.Handling);
        Assert.Equal("Voiding an event needs a reason.", c.Refused(new EventCommand.RequestVoid(" "), Township).Message);
        Assert.Equal("There is no void request to approve.", c.Refused(new EventCommand.ApproveVoid(), Township).Message);
        var requested = c.Do(new EventCommand.RequestVoid("entered twice"), Village);
        Assert.Equal(EventState.Handling, requested.State);
        Assert.Equal(RefusalKind.NotAuthorised, requested.Refused(new EventCommand.ApproveVoid(), Village).Kind);
        var voided = requested.Do(new EventCommand.ApproveVoid(), Township);
        Assert.Equal(EventState.Voided, voided.State);
        Assert.Equal("entered twice", voided.History[^1].Reason);
        Assert.False(EventWorkflow.Overdue(voided, Monday.AddYears(1)));
    }

    public static readonly TheoryData<EventState, EventCommand, string, string> Preconditions = new()
    {
        { EventState.Registered, new EventCommand.Dispatch(new DispatchTarget(null, null)), "township", "A dispatch needs a level or a department." },
        { EventState.Registered, new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.City)), "township", "Events are dispatched within the county: to the grid, village, township or county." },
        { EventState.Handling, new EventCommand.RequestExtension(TimeLimit.WorkingDays(1), ""), "village", "An extension request needs a reason." },
        { EventState.Handling, new EventCommand.RequestExtension(TimeLimit.WorkingDays(0), "more time"), "village", "An extension must add some time." },
        { EventState.Handling, new EventCommand.HoldToAccount("", "late"), "county", "Holding someone to account needs the person and a reason." },
        { EventState.Registered, new EventCommand.Dispatch(DispatchTarget.ToDepartment("emergency")), "gm", "Only village, township or county centre staff whose area holds grid 140428203211006 may do this; gm is grid_manager for 140428203211006." },
    };

    [Theory]
    [MemberData(nameof(Preconditions))]
    public void Refuses_with_a_reason_a_person_can_act_on(EventState state, EventCommand command, string actor, string message) =>
        Assert.Equal(message, Reach(state).Refused(command, ByName[actor]).Message);

    [Fact]
    public void A_second_request_waits_for_the_first()
    {
        var c = Reach(EventState.Handling).Do(new EventCommand.RequestVoid("twice"), Township).Do(Sample(EventAction.RequestExtension), Village);
        Assert.Equal("A void request is already waiting for approval.", c.Refused(new EventCommand.RequestVoid("again"), Township).Message);
        Assert.Equal("An extension request is already waiting for approval.", c.Refused(Sample(EventAction.RequestExtension), Village).Message);
    }

    [Fact]
    public void A_department_cannot_escalate_past_the_county() =>
        Assert.Equal(RefusalKind.Precondition, Reach(EventState.Registered, EventCategories.Hazard)
            .Do(new EventCommand.Dispatch(DispatchTarget.ToDepartment("emergency")), Township)
            .Refused(new EventCommand.Escalate("too big"), Emergency).Kind);

    [Fact]
    public void A_rejection_records_why() =>
        Assert.Equal("Duplicate", Reach(EventState.Rejected).History.Single().Reason);

    [Fact]
    public void Sending_back_returns_it_to_the_dispatching_centre()
    {
        var c = Reach(EventState.Handling).Do(new EventCommand.SendBack("belongs to the next village"), Village);
        Assert.Equal(EventState.Registered, c.State);
        Assert.Equal(new StepOwner(AdminCode.Parse("140428203")), c.Owner);
        Assert.Null(c.Handler);
    }

    [Fact]
    public void History_is_append_only()
    {
        var before = Reach(EventState.Dispatched);
        var after = before.Do(new EventCommand.StartHandling(), Village);
        Assert.Equal(before.History, after.History.Take(before.History.Count));
        Assert.Equal(before.History.Count + 1, after.History.Count);
    }
}

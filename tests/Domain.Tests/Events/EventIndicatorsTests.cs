using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

/// <summary>The indicator columns every step moves (closing deadline, on-time flags, counters, resolution level) and the overdue sweep.</summary>
public sealed class EventIndicatorsTests
{
    private static DateTimeOffset Cst(string local) => DateTimeOffset.Parse(local + "+08:00");

    private static readonly EventCommand Redispatch = new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.Village));

    [Theory]
    [InlineData("2026-03-02 09:30", true)]
    [InlineData("2026-03-02 09:31", false)]
    public void Registration_is_on_time_within_the_intake_deadline(string at, bool onTime) =>
        Assert.Equal(onTime, Reach(EventState.Accepted).Do(new EventCommand.Register(), Township, Cst(at)).Indicators.RegisteredOnTime);

    [Fact]
    public void A_stage_keeps_the_time_it_was_first_reached()
    {
        var i = Report()
            .Do(new EventCommand.Accept(), Township, Cst("2026-03-02 09:05"))
            .Do(new EventCommand.Register(), Township, Cst("2026-03-02 09:10"))
            .Do(Redispatch, Township, Cst("2026-03-02 09:15"))
            .Do(Redispatch, Village, Cst("2026-03-02 09:20"))
            .Do(new EventCommand.StartHandling(), Village, Cst("2026-03-02 10:00"))
            .Do(new EventCommand.Feedback("mediated"), Village, Cst("2026-03-02 11:00"))
            .Do(new EventCommand.Verify(false, "still arguing"), GridManager, Cst("2026-03-02 11:30"))
            .Do(new EventCommand.StartHandling(), Village, Cst("2026-03-02 14:00"))
            .Do(new EventCommand.Feedback("mediated again"), Village, Cst("2026-03-02 15:00"))
            .Indicators;
        Assert.Equal(
            (Cst("2026-03-02 09:05"), Cst("2026-03-02 09:10"), true, Cst("2026-03-02 09:15"), Cst("2026-03-02 11:00"), 1),
            (i.AcceptedAt, i.RegisteredAt, i.RegisteredOnTime, i.DispatchedAt, i.HandledAt, i.ReworkCount));
    }

    [Fact]
    public void The_closing_deadline_is_the_first_dispatchs_handling_deadline() =>
        Assert.Equal(Cst("2026-03-09 09:00"), Reach(EventState.Dispatched).Do(Redispatch, Village, Cst("2026-03-04 09:00")).Indicators.CloseDue);

    [Fact]
    public void An_approved_extension_moves_the_closing_deadline_as_far_as_the_step()
    {
        var i = Reach(EventState.Dispatched)
            .Do(new EventCommand.RequestExtension(TimeLimit.WorkingDays(2), "waiting for a surveyor"), Village)
            .Do(new EventCommand.ApproveExtension(), Township).Indicators;
        Assert.Equal((Cst("2026-03-11 09:00"), 1), (i.CloseDue, i.ExtensionCount));
    }

    [Fact]
    public void A_suspension_moves_the_closing_deadline_by_its_length()
    {
        var suspended = Reach(EventState.Handling).Do(new EventCommand.Suspend("court case pending"), Township, Cst("2026-03-02 10:00"));
        Assert.Equal(Cst("2026-03-02 10:00"), suspended.SuspendedAt);
        Assert.Equal(Cst("2026-03-02 10:00"), suspended.Do(new EventCommand.Supervise("any news?"), County, Cst("2026-03-05 10:00")).SuspendedAt);
        var resumed = suspended.Do(new EventCommand.Resume(), Township, Cst("2026-03-13 10:00"));
        Assert.Null(resumed.SuspendedAt);
        Assert.Equal(Cst("2026-03-20 09:00"), resumed.Indicators.CloseDue);
    }

    [Theory]
    [InlineData("2026-03-09 09:00", true)]
    [InlineData("2026-03-09 09:01", false)]
    public void An_event_closes_on_time_by_its_closing_deadline(string at, bool onTime)
    {
        var i = Reach(EventState.Verifying).Do(new EventCommand.Close(), Township, Cst(at)).Indicators;
        Assert.Equal((Cst(at), onTime), (i.FinishedAt, i.ClosedOnTime));
    }

    [Theory]
    [InlineData("140428203211006", null, AdminLevel.Grid)]
    [InlineData("140428203211", null, AdminLevel.Village)]
    [InlineData("140428203", null, AdminLevel.Township)]
    [InlineData("140428", null, AdminLevel.County)]
    [InlineData("140428", "emergency", AdminLevel.County)]
    public void An_event_is_resolved_at_its_handlers_level(string unit, string? department, AdminLevel level) =>
        Assert.Equal(level, (Reach(EventState.Verifying) with { Handler = new StepOwner(AdminCode.Parse(unit), department) })
            .Do(new EventCommand.Close(), Township).Indicators.ResolutionLevel);

    [Fact]
    public void An_event_without_a_handler_is_resolved_at_its_owners_level() =>
        Assert.Equal(AdminLevel.Township, (Reach(EventState.Verifying) with { Handler = null }).Do(new EventCommand.Close(), Township).Indicators.ResolutionLevel);

    [Fact]
    public void Resolving_on_the_spot_reaches_every_stage_at_once_at_grid_level()
    {
        var at = Cst("2026-03-02 09:20");
        var i = Report().Do(new EventCommand.ResolveOnTheSpot("neighbours agreed"), GridManager, at).Indicators;
        Assert.Equal((at, at, true, at, at, at, at, true, AdminLevel.Grid),
            (i.AcceptedAt, i.RegisteredAt, i.RegisteredOnTime, i.DispatchedAt, i.HandledAt, i.CloseDue, i.FinishedAt, i.ClosedOnTime, i.ResolutionLevel));
    }

    [Theory]
    [InlineData(EventState.Rejected)]
    [InlineData(EventState.Voided)]
    public void An_event_finished_without_closing_has_no_on_time_flag_or_level(EventState state)
    {
        var i = Reach(state).Indicators;
        Assert.Equal(Monday, i.FinishedAt);
        Assert.Null(i.ClosedOnTime);
        Assert.Null(i.ResolutionLevel);
    }

    [Fact]
    public void An_escalation_is_counted() =>
        Assert.Equal(1, Reach(EventState.Handling).Do(new EventCommand.Escalate("beyond the village"), Village).Indicators.EscalationCount);

    [Fact]
    public void An_alert_stands_while_the_step_keeps_its_deadline_and_lapses_with_a_new_step()
    {
        var alerted = EventWorkflow.Sweep(Reach(EventState.FeedbackGiven), Cst("2026-03-02 10:01"), Calendar)!.Case;
        Assert.Equal(Cst("2026-03-02 10:01"), alerted.Do(new EventCommand.Supervise("please check"), Village).Indicators.OverdueAlertedAt);
        Assert.Null(alerted.Do(new EventCommand.Verify(true), GridManager).Indicators.OverdueAlertedAt);
    }

    [Fact]
    public void The_sweep_leaves_a_step_within_its_deadline() =>
        Assert.Null(EventWorkflow.Sweep(Reach(EventState.Dispatched, EventCategories.Hazard), Cst("2026-03-03 09:00"), Calendar));

    [Fact]
    public void The_sweep_escalates_overdue_handling()
    {
        var step = EventWorkflow.Sweep(Reach(EventState.Dispatched, EventCategories.Hazard), Cst("2026-03-03 09:01"), Calendar)!;
        Assert.Equal((new EventCommand.Escalate("overdue"), "overdue", AdminLevel.Township, 1),
            (step.Command, step.Reason, step.Case.Owner.Level, step.Case.Indicators.EscalationCount));
    }

    [Fact]
    public void The_sweep_alerts_once_on_an_overdue_verification()
    {
        var feedback = Reach(EventState.FeedbackGiven);
        var step = EventWorkflow.Sweep(feedback, Cst("2026-03-02 10:01"), Calendar)!;
        Assert.Null(step.Command);
        Assert.Equal(("overdue since 2026-03-02 10:00", EventState.FeedbackGiven, feedback.Due, Cst("2026-03-02 10:01")),
            (step.Reason, step.Case.State, step.Case.Due, step.Case.Indicators.OverdueAlertedAt));
        Assert.Null(EventWorkflow.Sweep(step.Case, Cst("2026-03-05 10:00"), Calendar));
    }

    [Theory]
    [InlineData(EventState.Closed, 60, DeadlineState.Finished)]
    [InlineData(EventState.Rejected, -60, DeadlineState.Finished)]
    [InlineData(EventState.Voided, null, DeadlineState.Finished)]
    [InlineData(EventState.Suspended, -60, DeadlineState.Paused)]
    [InlineData(EventState.Handling, null, DeadlineState.Paused)]
    [InlineData(EventState.Handling, -1, DeadlineState.Overdue)]
    [InlineData(EventState.Handling, 0, DeadlineState.DueSoon)]
    [InlineData(EventState.Handling, 120, DeadlineState.DueSoon)]
    [InlineData(EventState.Handling, 121, DeadlineState.OnTime)]
    public void A_step_stands_against_its_deadline(EventState state, int? dueInMinutes, DeadlineState expected) =>
        Assert.Equal(expected, EventWorkflow.Deadline(state, dueInMinutes is { } m ? Monday.AddMinutes(m) : null, Monday));
}

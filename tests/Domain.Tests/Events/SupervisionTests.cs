using GridMap.Domain.Access;
using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

/// <summary>督办 from every level above, the answer it may ask for, and the accountability records steps create (issue 17, item 2).</summary>
public sealed class SupervisionTests
{
    private static readonly Caller City = Person("city", Role.CityStaff, "1404");
    private static readonly Caller Province = Person("province", Role.ProvinceStaff, "14");
    private static readonly Caller OtherCity = Person("taiyuan", Role.CityStaff, "1401");

    [Fact]
    public void County_city_and_province_centres_supervise_any_event_of_their_area_and_nobody_outside_it()
    {
        var handling = Reach(EventState.Handling);
        foreach (var supervisor in new[] { Township, County, City, Province })
            Assert.Equal(1, handling.Do(new EventCommand.Supervise("请加快办理"), supervisor).Supervisions);
        foreach (var outsider in new[] { OtherCity, OtherTownship, GridManager, Health, Planner })
            Assert.Equal(RefusalKind.NotAuthorised, handling.Refused(new EventCommand.Supervise("请加快办理"), outsider).Kind);
        // A step the county itself owns is still supervised from the city and the province.
        var atCounty = Reach(EventState.Registered).Do(new EventCommand.Dispatch(DispatchTarget.ToLevel(Codes.AdminLevel.County)), Township);
        Assert.True(EventWorkflow.Apply(atCounty, new EventCommand.Supervise("市级督办"), City, Monday, Calendar).Ok);
        Assert.Equal("city", atCounty.Do(new EventCommand.Supervise("省级督办"), Province).Do(new EventCommand.Supervise("市级督办"), City).SupervisedBy);
    }

    [Fact]
    public void A_supervision_moves_the_deadline_and_asks_the_holder_for_an_answer_within_four_working_hours()
    {
        var handling = Reach(EventState.Handling);
        var newDue = Monday.AddDays(1);
        var supervised = handling.Do(new EventCommand.Supervise("群众反映强烈", newDue, AnswerRequired: true), City);
        Assert.Equal(newDue, supervised.Due);
        Assert.Equal(Calendar.AddWorkingTime(Monday, TimeSpan.FromHours(4)), supervised.SupervisionAnswerDue);
        Assert.Equal("群众反映强烈 · new deadline 2026-03-03 09:00 · answer required", supervised.History[^1].Reason);

        Assert.Equal(RefusalKind.NotAuthorised, supervised.Refused(new EventCommand.AnswerSupervision("已处理"), Township).Kind);
        Assert.Equal("An answer to a supervision says what was done.", supervised.Refused(new EventCommand.AnswerSupervision(" "), Village).Message);
        var answered = supervised.Do(new EventCommand.AnswerSupervision("已约谈双方，明日复核"), Village);
        Assert.Null(answered.SupervisionAnswerDue);
        Assert.Equal(EventAction.AnswerSupervision, answered.History[^1].Action);
        Assert.Equal("No supervision is waiting for an answer.", answered.Refused(new EventCommand.AnswerSupervision("again"), Village).Message);

        Assert.Equal("A new deadline lies in the future.", handling.Refused(new EventCommand.Supervise("", Monday.AddHours(-1)), City).Message);
        Assert.Equal(RefusalKind.Precondition, handling.Refused(new EventCommand.Supervise(" "), City).Kind);
        Assert.Equal(RefusalKind.Precondition, Reach(EventState.Suspended).Refused(new EventCommand.Supervise("", newDue), County).Kind);
    }

    [Fact]
    public void Accountability_is_created_exactly_when_a_step_goes_overdue_is_reworked_or_someone_is_named()
    {
        // Every step along the paths of the transition table creates none, but a failed verification and a naming.
        foreach (var row in EventTransitionTests.Allowed)
        {
            var (state, action) = ((EventState)row[0], (EventAction)row[1]);
            var command = action == EventAction.Assign ? AssignToColleague(Reach(state)) : Sample(action);
            var created = EventAccountability.Created(Reach(state), command, (string)row[3], null);
            Assert.Equal(action == EventAction.HoldToAccount ? 1 : 0, created.Count);
        }
        var feedback = Reach(EventState.FeedbackGiven);
        var rework = Assert.Single(EventAccountability.Created(feedback, new EventCommand.Verify(false, "仍有争吵"), "gm", "仍有争吵"));
        Assert.Equal(new AccountabilityCause(AccountabilityKind.Rework, "village", new StepOwner(Village.Scope), "仍有争吵"), rework);

        // Overdue: the sweep's alert (no command) or its automatic escalation, against whoever held the step.
        var handling = Reach(EventState.Handling);
        var late = handling.Due!.Value.AddMinutes(1);
        var step = EventWorkflow.Sweep(handling, late, Calendar)!;
        var overdue = Assert.Single(EventAccountability.Created(handling, step.Command, EventWorkflow.SystemActor, step.Reason));
        Assert.Equal(AccountabilityKind.Overdue, overdue.Kind);
        Assert.Equal("village", overdue.Person);
        Assert.StartsWith("Handling step overdue since", overdue.Reason);
        var unheld = Reach(EventState.Dispatched);
        Assert.Null(Assert.Single(EventAccountability.Created(unheld, null, EventWorkflow.SystemActor, "overdue")).Person);
        // A person escalating by hand is no overdue.
        Assert.Empty(EventAccountability.Created(handling, new EventCommand.Escalate("beyond us"), "village", "beyond us"));
    }

    [Fact]
    public void A_missed_supervision_answer_is_recorded_once_against_the_holder_and_the_request_lapses()
    {
        var supervised = Reach(EventState.Handling).Do(new EventCommand.Supervise("请答复", AnswerRequired: true), County);
        var answerDue = supervised.SupervisionAnswerDue!.Value;
        Assert.True(answerDue < supervised.Due);
        Assert.Null(EventWorkflow.Sweep(supervised, answerDue, Calendar));

        var step = EventWorkflow.Sweep(supervised, answerDue.AddMinutes(1), Calendar)!;
        Assert.Null(step.Command);
        Assert.Null(step.Case.SupervisionAnswerDue);
        Assert.Equal(supervised.Due, step.Case.Due);
        Assert.StartsWith(EventWorkflow.SupervisionAnswerMissed, step.Reason);
        var record = Assert.Single(EventAccountability.Created(supervised, step.Command, EventWorkflow.SystemActor, step.Reason, step.Case));
        Assert.Equal((AccountabilityKind.Overdue, "village"), (record.Kind, record.Person));
        Assert.StartsWith("supervision answer overdue since", record.Reason);
        var notice = Assert.Single(EventNotices.For(supervised, step.Case, null, EventWorkflow.SystemActor));
        Assert.Equal(("village", NoticeKind.Overdue), (notice.To, notice.Kind));
        Assert.Contains("督办要求的答复已超期", notice.Phrase);

        // Once lapsed, the next sweep before the step's own deadline does nothing; after it, the step itself is overdue.
        Assert.Null(EventWorkflow.Sweep(step.Case, answerDue.AddMinutes(2), Calendar));
        var late = EventWorkflow.Sweep(step.Case, supervised.Due!.Value.AddMinutes(1), Calendar)!;
        Assert.StartsWith("Handling step overdue since", Assert.Single(EventAccountability.Created(step.Case, late.Command, EventWorkflow.SystemActor, late.Reason, late.Case)).Reason);
    }
}

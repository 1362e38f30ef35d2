using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Disputes;
using GridMap.Domain.Events;
using GridMap.Domain.Events.Kpi;

namespace GridMap.Domain.Tests.Disputes;

/// <summary>Disputes (矛盾纠纷, issue 18): recording, mediation at each level, escalation by hand and by deadline, referral, follow-up, and the containment figure.</summary>
public sealed class DisputeWorkflowTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;
    // Monday 2026-03-02 09:00 China time.
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly AdminCode Grid = AdminCode.Parse("140428203211006");

    private static Caller Person(string name, Role role, string scope, string? department = null) =>
        new(name, role, AdminCode.Parse(scope), new HashSet<DataCategory>(), false, department);

    private static readonly Caller GridManager = Person("gm", Role.GridManager, "140428203211006");
    private static readonly Caller OtherGridManager = Person("gm5", Role.GridManager, "140428203211005");
    private static readonly Caller Director = Person("director", Role.VillageStaff, "140428203211");
    private static readonly Caller Mediator = Person("mediator", Role.TownshipStaff, "140428203");
    private static readonly Caller County = Person("county", Role.CountyStaff, "140428");
    private static readonly Caller Justice = Person("justice", Role.DepartmentOfficer, "140428", "justice");
    private static readonly Caller Health = Person("health", Role.DepartmentOfficer, "140428", "health");

    private static readonly NewDispute Neighbours = new(Grid, DisputeSeverity.General, "邻里纠纷", "两户因宅基地边界争执", DisputeSource.Patrol,
        [new DisputeParty(1, "张某"), new DisputeParty(null, "外村李某")]);

    private static DisputeCase Do(DisputeCase c, DisputeCommand command, Caller actor, DateTimeOffset? at = null)
    {
        var result = DisputeWorkflow.Apply(c, command, actor, at ?? Monday.AddHours(1), Calendar);
        Assert.True(result.Succeeded, result.Problem?.Message);
        return result.Value!;
    }

    private static DisputeCase Recorded(Caller by) => DisputeWorkflow.Record(Neighbours, by, Monday, Calendar).Value!;

    [Fact]
    public void A_grid_manager_records_mediates_settles_follows_up_and_closes_a_dispute_in_the_grid()
    {
        var c = Recorded(GridManager);
        Assert.Equal((AdminLevel.Grid, DisputeState.Open), (c.Level, c.State));
        Assert.Equal(Calendar.Due(Monday, TimeLimit.WorkingDays(3)), c.Due);
        c = Do(c, new DisputeCommand.TakeUp(), GridManager);
        c = Do(c, new DisputeCommand.Session("双方到场，各自陈述"), GridManager);
        c = Do(c, new DisputeCommand.Settle("以原界桩为准，张某拆除越界围墙 0.5 米"), GridManager);
        Assert.Equal((DisputeState.Settled, AdminLevel.Grid, 1), (c.State, c.SettledAt, c.Sessions));
        Assert.Equal(ProblemKind.Conflict, DisputeWorkflow.Apply(c, new DisputeCommand.Close(null), GridManager, Monday, Calendar).Problem!.Kind);
        c = Do(c, new DisputeCommand.FollowUp("回访：围墙已拆，双方无异议"), GridManager);
        c = Do(c, new DisputeCommand.Close(null), GridManager);
        Assert.Equal(DisputeState.Closed, c.State);
        Assert.Equal(["Record", "TakeUp", "Session", "Settle", "FollowUp", "Close"], c.History.Select(h => h.Action));
        Assert.Equal("village", Containment.Bucket(c));
    }

    [Fact]
    public void A_dispute_escalates_level_by_level_by_hand_or_when_a_level_s_time_runs_out_and_the_county_refers_it()
    {
        var c = Do(Do(Recorded(GridManager), new DisputeCommand.TakeUp(), GridManager), new DisputeCommand.Escalate("双方分歧大，网格调解未果"), GridManager);
        Assert.Equal((AdminLevel.Village, DisputeState.Open, (string?)null), (c.Level, c.State, c.Mediator));
        Assert.Equal(AdminCode.Parse("140428203211"), c.Unit);
        // The grid manager no longer mediates it; the village committee does, until its ten working days run out.
        Assert.Equal(ProblemKind.Forbidden, DisputeWorkflow.Apply(c, new DisputeCommand.TakeUp(), GridManager, Monday, Calendar).Problem!.Kind);
        c = Do(c, new DisputeCommand.TakeUp(), Director);
        Assert.Null(DisputeWorkflow.Sweep(c, c.Due!.Value, Calendar));
        var swept = DisputeWorkflow.Sweep(c, c.Due!.Value.AddMinutes(1), Calendar)!;
        Assert.Equal((AdminLevel.Township, DisputeState.Open), (swept.Level, swept.State));
        Assert.Equal(("system", "Escalate"), (swept.History[^1].Actor, swept.History[^1].Action));
        // A township mediator settles nothing here: it goes to the county, whose justice bureau refers it to the court.
        c = Do(Do(swept, new DisputeCommand.TakeUp(), Mediator), new DisputeCommand.Escalate("涉及较大金额，乡镇调解未果"), Mediator);
        Assert.Equal(AdminLevel.County, c.Level);
        c = Do(c, new DisputeCommand.TakeUp(), Justice);
        Assert.Equal(ProblemKind.Conflict, DisputeWorkflow.Apply(c, new DisputeCommand.Escalate("再往上"), Justice, Monday, Calendar).Problem!.Kind);
        Assert.Null(DisputeWorkflow.Sweep(c, c.Due!.Value.AddDays(1), Calendar));
        c = Do(c, new DisputeCommand.Refer(ReferralTarget.Court, "调解不成，告知当事人依法起诉"), Justice);
        Assert.Equal((DisputeState.Referred, ReferralTarget.Court), (c.State, c.ReferredTo));
        Assert.Equal("beyond", Containment.Bucket(c));
        Assert.Equal(ProblemKind.Conflict, DisputeWorkflow.Apply(c, new DisputeCommand.Session("还要谈"), Justice, Monday, Calendar).Problem!.Kind);
    }

    [Fact]
    public void Only_the_mediator_holding_it_acts_and_nobody_outside_the_area_or_role_records_or_mediates()
    {
        var c = Do(Recorded(Director), new DisputeCommand.TakeUp(), Director);
        var colleague = Person("director2", Role.VillageStaff, "140428203211");
        Assert.Equal(ProblemKind.Forbidden, DisputeWorkflow.Apply(c, new DisputeCommand.Settle("协议"), colleague, Monday, Calendar).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, DisputeWorkflow.Apply(c, new DisputeCommand.Session("旁听"), Person("x", Role.VillageStaff, "140428203210"), Monday, Calendar).Problem!.Kind);
        foreach (var outsider in new[] { OtherGridManager, Health, Person("planner", Role.Planner, "140428") })
            Assert.False(DisputeWorkflow.Record(Neighbours, outsider, Monday, Calendar).Succeeded);
        Assert.Equal(ProblemKind.Conflict, DisputeWorkflow.Apply(c, new DisputeCommand.Refer(ReferralTarget.Petition, "上访"), Director, Monday, Calendar).Problem!.Kind);
        Assert.Equal(AdminLevel.County, DisputeWorkflow.MediatesAt(Justice));
        Assert.Null(DisputeWorkflow.MediatesAt(Health));
        Assert.Equal(AdminLevel.County, Recorded(County).Level);
    }

    [Theory]
    [InlineData("parties", 0, "邻里纠纷", "两户争执")]
    [InlineData("parties", 21, "邻里纠纷", "两户争执")]
    [InlineData("kind", 2, " ", "两户争执")]
    [InlineData("summary", 2, "邻里纠纷", "吵")]
    public void A_dispute_without_parties_or_with_bad_fields_is_refused_naming_the_field(string field, int parties, string kind, string summary)
    {
        var bad = Neighbours with { Kind = kind, Summary = summary, Parties = [.. Enumerable.Range(1, parties).Select(i => new DisputeParty(null, $"当事人{i}"))] };
        var refused = DisputeWorkflow.Record(bad, GridManager, Monday, Calendar).Problem!;
        Assert.Equal(ProblemKind.Invalid, refused.Kind);
        Assert.Equal(field, refused.Extensions!["field"]);
    }

    [Fact]
    public void The_containment_figure_counts_each_severity_within_its_rule_with_the_denominator()
    {
        var general = new ContainmentCounts(Village: 8, Township: 1, County: 0, Beyond: 1);
        var large = new ContainmentCounts(Village: 2, Township: 3, County: 1, Beyond: 0);
        var major = new ContainmentCounts(Village: 0, Township: 1, County: 2, Beyond: 1);
        Assert.Equal(new KpiRate(8, 10), Containment.WithinRule(DisputeSeverity.General, general));
        Assert.Equal(new KpiRate(5, 6), Containment.WithinRule(DisputeSeverity.Large, large));
        Assert.Equal(new KpiRate(3, 4), Containment.WithinRule(DisputeSeverity.Major, major));
        Assert.Equal(new ContainmentCounts(10, 4, 1, 1), general + large);
        Assert.Null(Containment.WithinRule(DisputeSeverity.Major, ContainmentCounts.Zero).Value);
    }
}

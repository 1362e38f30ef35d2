using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Domain.Proxy;

namespace GridMap.Domain.Tests.Proxy;

/// <summary>Proxy services (代办, issue 18): taking a request, the documents checklist, every catalogue level, deadlines over holidays, who may act.</summary>
public sealed class ProxyWorkflowTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;
    private static readonly AdminCode Grid = AdminCode.Parse("140428203211006");
    // Wednesday 2026-09-30 09:00 China time: the working day before the National Day week (Oct 1–7; Sat Oct 10 worked).
    private static readonly DateTimeOffset EveOfNationalDay = new(2026, 9, 30, 9, 0, 0, TimeSpan.FromHours(8));

    private static Caller Person(string name, Role role, string scope, string? department = null) =>
        new(name, role, AdminCode.Parse(scope), new HashSet<DataCategory>(), false, department);

    private static readonly Caller GridManager = Person("gm", Role.GridManager, "140428203211006");
    private static readonly Caller Village = Person("village", Role.VillageStaff, "140428203211");
    private static readonly Caller TownCivil = Person("towncivil", Role.DepartmentOfficer, "140428203", "civil-affairs");
    private static readonly Caller TownHealth = Person("townhealth", Role.DepartmentOfficer, "140428203", "health");
    private static readonly Caller Township = Person("township", Role.TownshipStaff, "140428203");
    private static readonly Caller CountyCivil = Person("civil", Role.DepartmentOfficer, "140428", "civil-affairs");
    private static readonly Caller OtherTownCivil = Person("towncivil2", Role.DepartmentOfficer, "140428100", "civil-affairs");

    private static CatalogueService Service(AdminLevel level, AdminLevel competent, int? days, params string[] documents) =>
        new(level, "civil-affairs", "城乡居民最低生活保障申请", ServiceKind.Accept, competent, days, null, documents, "测试来源 — http://example.org", null);

    private static readonly CatalogueService LowIncome = Service(AdminLevel.Township, AdminLevel.Township, 30, "身份证", "户口本", "申请书");

    private static ProxyRequest Taken(CatalogueService service, Caller by, DateTimeOffset at, params string[] received)
    {
        var taken = ProxyWorkflow.Take(new NewProxyRequest(Grid, service, 1, null, "张三", received, null), by, at, Calendar);
        Assert.True(taken.Succeeded, taken.Problem?.Message);
        return taken.Value!;
    }

    private static ProxyRequest Do(ProxyRequest r, ProxyCommand command, Caller actor, DateTimeOffset at)
    {
        var result = ProxyWorkflow.Apply(r, command, actor, at, Calendar);
        Assert.True(result.Succeeded, result.Problem?.Message);
        return result.Value!;
    }

    [Fact]
    public void A_grid_managers_low_income_request_goes_to_the_township_civil_affairs_desk_with_the_time_limit_over_the_holiday()
    {
        var r = Taken(LowIncome, GridManager, EveOfNationalDay, "身份证", "户口本", "申请书");
        Assert.Equal((ProxyState.Received, AdminLevel.Grid, (DateTimeOffset?)null), (r.State, r.Level, r.Due));
        r = Do(r, new ProxyCommand.HandOver([]), GridManager, EveOfNationalDay.AddHours(1));
        Assert.Equal((ProxyState.Handed, AdminLevel.Township, "civil-affairs"), (r.State, r.Level, r.Department));
        // 30 working days from Sep 30 10:00: Oct 1–7 are holidays and Sat Oct 10 is worked (day 3), so the count ends Nov 17, 10:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 17, 10, 0, 0, TimeSpan.FromHours(8)), r.Due);
        Assert.Contains("Complete", ProxyWorkflow.Actions(r, TownCivil, EveOfNationalDay, Calendar));
        Assert.Contains("Complete", ProxyWorkflow.Actions(r, Township, EveOfNationalDay, Calendar));
        Assert.Empty(ProxyWorkflow.Actions(r, TownHealth, EveOfNationalDay, Calendar));
        Assert.Empty(ProxyWorkflow.Actions(r, GridManager, EveOfNationalDay, Calendar));
        var done = Do(r, new ProxyCommand.Complete("经审核符合条件，自11月起按月发放"), TownCivil, new DateTimeOffset(2026, 10, 20, 15, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal((ProxyState.Done, "经审核符合条件，自11月起按月发放"), (done.State, done.Result));
        Assert.True(ProxyWorkflow.OnTime(done, new DateTimeOffset(2026, 10, 20, 15, 0, 0, TimeSpan.FromHours(8))));
        Assert.Equal(["Take", "HandOver", "Complete"], done.History.Select(h => h.Action));
    }

    [Theory]
    // Offered and decided at the village: 3 working days from Sep 30 10:00 are Oct 8, 9 and the worked Saturday Oct 10.
    [InlineData(AdminLevel.Village, AdminLevel.Village, 3, "2026-10-10T10:00:00+08:00", new[] { "HandOver", "Complete" })]
    // Accepted at the township, decided by the county: 20 working days end Nov 3.
    [InlineData(AdminLevel.Township, AdminLevel.County, 20, "2026-11-03T10:00:00+08:00", new[] { "HandOver", "Forward", "Complete" })]
    // On the spot (即办) at the township: one working day, so the next working day after the holiday.
    [InlineData(AdminLevel.Township, AdminLevel.Township, 0, "2026-10-08T10:00:00+08:00", new[] { "HandOver", "Complete" })]
    // No limit in the catalogue: the default 20 working days.
    [InlineData(AdminLevel.Village, AdminLevel.County, null, "2026-11-03T10:00:00+08:00", new[] { "HandOver", "Forward", "Complete" })]
    public void Every_catalogue_level_is_reached_and_its_deadline_counts_working_days(AdminLevel offered, AdminLevel competent, int? days, string due,
        string[] steps)
    {
        var service = Service(offered, competent, days, "身份证");
        var r = Do(Taken(service, GridManager, EveOfNationalDay, "身份证"), new ProxyCommand.HandOver([]), GridManager, EveOfNationalDay.AddHours(1));
        Assert.Equal(offered, r.Level);
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture), r.Due);
        var offeringDesk = offered == AdminLevel.Village ? Village : TownCivil;
        if (competent != offered)
        {
            Assert.False(ProxyWorkflow.Apply(r, new ProxyCommand.Complete("办结"), offeringDesk, EveOfNationalDay, Calendar).Succeeded);
            r = Do(r, new ProxyCommand.Forward(null), offeringDesk, EveOfNationalDay.AddHours(2));
            Assert.Equal((competent, r.Due), (r.Level, DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture)));
        }
        var decidingDesk = competent switch { AdminLevel.Village => Village, AdminLevel.Township => TownCivil, _ => CountyCivil };
        Assert.Equal(ProblemKind.Forbidden, ProxyWorkflow.Apply(r, new ProxyCommand.Complete("办结"), TownHealth, EveOfNationalDay, Calendar).Problem?.Kind);
        r = Do(r, new ProxyCommand.Complete("已办结"), decidingDesk, EveOfNationalDay.AddHours(3));
        Assert.Equal(["Take", .. steps], r.History.Select(h => h.Action));
    }

    [Fact]
    public void The_village_centre_accepts_its_own_service_on_the_spot_once_every_document_is_in()
    {
        var service = Service(AdminLevel.Village, AdminLevel.County, 2, "身份证", "户口本");
        var r = Taken(service, Village, EveOfNationalDay, "身份证", "户口本");
        Assert.Equal((AdminLevel.Village, ProxyState.Handed), (r.Level, r.State));
        Assert.Equal(Calendar.Due(EveOfNationalDay, TimeLimit.WorkingDays(2)), r.Due);
        Assert.True(r.Due > new DateTimeOffset(2026, 10, 8, 0, 0, 0, TimeSpan.FromHours(8)), "the holiday week is not counted");
        Assert.Equal(["Return", "Forward"], ProxyWorkflow.Actions(r, Village, EveOfNationalDay, Calendar));

        // Returned from the county for a document: back with the village centre, which accepts it again when it is in.
        r = Do(Do(r, new ProxyCommand.Forward(null), Village, EveOfNationalDay), new ProxyCommand.Return("户口本页不全"), CountyCivil, EveOfNationalDay.AddHours(1));
        Assert.Equal((AdminLevel.Village, ProxyState.Returned, (DateTimeOffset?)null), (r.Level, r.State, r.Due));
        var again = new DateTimeOffset(2026, 10, 9, 9, 0, 0, TimeSpan.FromHours(8));
        r = Do(r, new ProxyCommand.HandOver([]), Village, again);
        Assert.Equal((ProxyState.Handed, Calendar.Due(again, TimeLimit.WorkingDays(2))), (r.State, r.Due));

        // With a document missing it waits at the centre, its clock not running, until the hand-over brings it.
        var waiting = Taken(service, Village, EveOfNationalDay, "身份证");
        Assert.Equal((ProxyState.Received, (DateTimeOffset?)null), (waiting.State, waiting.Due));
        Assert.Equal(["HandOver", "Withdraw"], ProxyWorkflow.Actions(waiting, Village, EveOfNationalDay, Calendar));
        waiting = Do(waiting, new ProxyCommand.HandOver(["户口本"]), Village, again);
        Assert.Equal((AdminLevel.Village, ProxyState.Handed), (waiting.Level, waiting.State));
    }

    [Fact]
    public void Missing_documents_hold_the_hand_over_and_a_return_restarts_the_clock()
    {
        var r = Taken(LowIncome, GridManager, EveOfNationalDay, "身份证");
        Assert.Equal(["户口本", "申请书"], r.Missing);
        var refused = ProxyWorkflow.Apply(r, new ProxyCommand.HandOver(["户口本"]), GridManager, EveOfNationalDay, Calendar);
        Assert.Equal(("documents", ProblemKind.Invalid), ((string?)refused.Problem?.Extensions?["field"], refused.Problem?.Kind));
        Assert.Contains("申请书", refused.Problem!.Message);
        Assert.Equal("documents", ProxyWorkflow.Apply(r, new ProxyCommand.HandOver(["结婚证"]), GridManager, EveOfNationalDay, Calendar).Problem?.Extensions?["field"]);
        r = Do(r, new ProxyCommand.HandOver(["户口本", "申请书"]), GridManager, EveOfNationalDay);
        r = Do(r, new ProxyCommand.Return("申请书缺家庭成员签字，请补正"), TownCivil, EveOfNationalDay.AddHours(2));
        Assert.Equal((ProxyState.Returned, AdminLevel.Grid, (DateTimeOffset?)null), (r.State, r.Level, r.Due));
        var again = new DateTimeOffset(2026, 10, 12, 9, 0, 0, TimeSpan.FromHours(8));
        r = Do(r, new ProxyCommand.HandOver([]), GridManager, again);
        Assert.Equal(Calendar.Due(again, TimeLimit.WorkingDays(30)), r.Due);
    }

    [Fact]
    public void Wrong_role_area_or_state_is_refused()
    {
        var service = LowIncome;
        Assert.Equal(ProblemKind.Forbidden, ProxyWorkflow.Take(new NewProxyRequest(Grid, service, 1, null, "张三", [], null), Township, EveOfNationalDay, Calendar).Problem?.Kind);
        Assert.Equal(ProblemKind.Forbidden, ProxyWorkflow.Take(new NewProxyRequest(AdminCode.Parse("140428203211005"), service, 1, null, "张三", [], null),
            GridManager, EveOfNationalDay, Calendar).Problem?.Kind);
        Assert.Equal("resident", ProxyWorkflow.Take(new NewProxyRequest(Grid, service, 1, null, " ", [], null), GridManager, EveOfNationalDay, Calendar).Problem?.Extensions?["field"]);
        var r = Do(Taken(service, GridManager, EveOfNationalDay, "身份证", "户口本", "申请书"), new ProxyCommand.HandOver([]), GridManager, EveOfNationalDay);
        Assert.Equal(ProblemKind.NotFound, ProxyWorkflow.Apply(r, new ProxyCommand.Complete("办结"), OtherTownCivil, EveOfNationalDay, Calendar).Problem?.Kind);
        Assert.Equal(ProblemKind.Forbidden, ProxyWorkflow.Apply(r, new ProxyCommand.Complete("办结"), CountyCivil, EveOfNationalDay, Calendar).Problem?.Kind);
        Assert.Equal(ProblemKind.Conflict, ProxyWorkflow.Apply(r, new ProxyCommand.Withdraw("本人撤回"), GridManager, EveOfNationalDay, Calendar).Problem?.Kind);
        Assert.Equal("result", ProxyWorkflow.Apply(r, new ProxyCommand.Complete(" "), TownCivil, EveOfNationalDay, Calendar).Problem?.Extensions?["field"]);
        var done = Do(r, new ProxyCommand.Refuse("家庭收入超过当地低保标准"), TownCivil, EveOfNationalDay);
        Assert.Equal(ProblemKind.Conflict, ProxyWorkflow.Apply(done, new ProxyCommand.Complete("办结"), TownCivil, EveOfNationalDay, Calendar).Problem?.Kind);
        Assert.False(ProxyWorkflow.OnTime(done, done.Due!.Value.AddMinutes(1)));
    }

    [Theory]
    [InlineData("level")]
    [InlineData("department")]
    [InlineData("name")]
    [InlineData("competentLevel")]
    [InlineData("timeLimitDays")]
    [InlineData("documents")]
    [InlineData("source")]
    public void The_catalogue_refuses_a_bad_service_naming_the_field(string field)
    {
        var good = Service(AdminLevel.Village, AdminLevel.County, 10, "身份证");
        Assert.Null(CatalogueRules.Check(good));
        var bad = field switch
        {
            "level" => good with { Level = AdminLevel.County },
            "department" => good with { Department = "ministry-of-magic" },
            "name" => good with { Name = "x" },
            "competentLevel" => Service(AdminLevel.Township, AdminLevel.Village, 10),
            "timeLimitDays" => good with { TimeLimitDays = -1 },
            "documents" => good with { Documents = ["身份证", "身份证"] },
            _ => good with { Source = " " },
        };
        Assert.Equal(field, CatalogueRules.Check(bad)?.Field);
    }
}

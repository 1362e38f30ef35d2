using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using static GridMap.Domain.Tests.Events.EventFixture;

namespace GridMap.Domain.Tests.Events;

/// <summary>Who reports where, which centre takes a report in, and what the public tracker shows of each step.</summary>
public sealed class EventReportingTests
{
    [Theory]
    [InlineData(Role.GridManager, true)]
    [InlineData(Role.VillageStaff, true)]
    [InlineData(Role.TownshipStaff, true)]
    [InlineData(Role.CountyStaff, true)]
    [InlineData(Role.CityStaff, true)]
    [InlineData(Role.ProvinceStaff, true)]
    [InlineData(Role.DepartmentOfficer, false)]
    [InlineData(Role.Planner, false)]
    [InlineData(Role.Auditor, false)]
    [InlineData(Role.Admin, false)]
    public void Grid_managers_and_centre_staff_report(Role role, bool reports) =>
        Assert.Equal(reports, EventPermissions.MayReport(Person("someone", role, role == Role.GridManager ? "140428203211006" : "140428")));

    [Theory]
    [InlineData("gm", "140428203211006", true)]
    [InlineData("gm", "140428203211005", true)] // a neighbouring grid of the same village
    [InlineData("gm", "140428203212001", false)] // another village
    [InlineData("village", "140428203211005", true)]
    [InlineData("township", "140428203212001", true)]
    [InlineData("township", "140428100201001", false)]
    [InlineData("county", "140428100201001", true)]
    public void A_reporter_reports_in_their_own_village_or_area(string reporter, string grid, bool may) =>
        Assert.Equal(may, EventPermissions.MayReportIn(ByName[reporter], grid));

    [Theory]
    [InlineData(0, AdminLevel.County, AdminLevel.County)]
    [InlineData(3, AdminLevel.County, AdminLevel.County)]
    [InlineData(4, AdminLevel.Township, AdminLevel.Township)]
    [InlineData(5, AdminLevel.Village, AdminLevel.Village)]
    [InlineData(6, AdminLevel.Grid, AdminLevel.Village)]
    [InlineData(7, AdminLevel.Grid, AdminLevel.Village)]
    public void The_competent_level_routes_intake_to_a_centre_never_below_the_village(int catalogueLevel, AdminLevel competent, AdminLevel intake)
    {
        Assert.Equal(competent, EventWorkflow.CompetentLevel(catalogueLevel));
        Assert.Equal(intake, EventWorkflow.IntakeLevel(catalogueLevel));
    }

    [Theory]
    [InlineData("system", "Escalate", null, null, "系统")]
    [InlineData("public", "Report", null, null, "群众")]
    [InlineData("open311:app", "Report", null, null, "群众")]
    [InlineData("gm", "Report", "140428203211006", null, "grid 6")]
    [InlineData("emergency", "Feedback", "140428", "emergency", "emergency")]
    [InlineData("township", "Accept", "140428203", null, "township 108")]
    [InlineData("township", "Accept", "140428999", null, "140428999")] // a unit without a name shows its code
    [InlineData("clerk", "Accept", null, null, "village 211")] // no unit named: the step's owner
    public void The_public_sees_a_unit_never_a_person(string actor, string action, string? unit, string? department, string shown)
    {
        var names = new Dictionary<string, string> { ["140428203211006"] = "grid 6", ["140428203"] = "township 108", ["140428203211"] = "village 211" };
        Assert.Equal(shown, PublicTracking.Actor(actor, action, unit, department, "140428203211", code => names.GetValueOrDefault(code, code)));
    }
}

using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Domain.Tests;

public class RegisterRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static Caller As(Role role, string scope) =>
        new("x", role, AdminCode.Parse(scope), role.DefaultCategories().ToHashSet(), role.MayUnmask(), null);

    [Theory]
    [InlineData(Role.GridManager, "140428203211006", true, false)]
    [InlineData(Role.VillageStaff, "140428203211", true, true)]
    [InlineData(Role.TownshipStaff, "140428203", true, true)]
    [InlineData(Role.CountyStaff, "140428", true, false)]
    [InlineData(Role.CityStaff, "1404", false, false)]
    [InlineData(Role.ProvinceStaff, "14", false, false)]
    [InlineData(Role.DepartmentOfficer, "140428", false, false)]
    [InlineData(Role.Planner, "140428", false, false)]
    [InlineData(Role.Auditor, "14", false, false)]
    [InlineData(Role.Admin, "14", false, false)]
    public void Only_the_field_and_the_centres_below_the_city_write_and_only_village_and_township_correct(Role role, string scope, bool writes, bool corrects)
    {
        Assert.Equal(writes, As(role, scope).MayWriteRegister());
        Assert.Equal(corrects, As(role, scope).MayCorrectRegister());
    }

    [Fact]
    public void A_person_agrees_with_the_id_number()
    {
        var id = IdNumber.Create("140428", new DateOnly(1980, 5, 4), 123);
        var person = RegisterRules.Person(id.Value, " 张三 ", null, null, "13912345678", null, null, Today);
        Assert.True(person.Succeeded);
        Assert.Equal(("张三", "M", new DateOnly(1980, 5, 4), "masses", "registered"),
            (person.Value!.Name, person.Value.Sex, person.Value.BirthDate, person.Value.PoliticalStatus, person.Value.RegisterType));
    }

    [Theory]
    [InlineData("140428198005041239", "张三", null, null, null, "idNumber")]
    [InlineData(null, "张三", null, "1980-05-05", null, "birthDate")]
    [InlineData(null, "张三", "F", null, null, "sex")]
    [InlineData(null, "张3", null, null, null, "name")]
    [InlineData(null, "", null, null, null, "name")]
    [InlineData(null, "张三", null, null, "12345", "phone")]
    public void A_person_who_does_not_agree_is_refused_naming_the_field(string? idNumber, string name, string? sex, string? birth, string? phone, string field)
    {
        var id = idNumber ?? IdNumber.Create("140428", new DateOnly(1980, 5, 4), 123).Value;
        var person = RegisterRules.Person(id, name, sex, birth is null ? null : DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture),
            phone, null, null, Today);
        Assert.False(person.Succeeded);
        Assert.Equal(field, person.Problem!.Extensions!["field"]);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(" ", false)]
    [InlineData("x", false)]
    [InlineData("迁出", true)]
    [InlineData("a\u0000b", false)]
    public void Every_change_states_a_reason(string? reason, bool accepted) => Assert.Equal(accepted, RegisterRules.Reason(reason).Succeeded);

    [Fact]
    public void A_household_is_fresh_for_the_window_after_its_last_confirmation()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        Assert.False(RegisterRules.IsFresh(null, now, 90));
        Assert.True(RegisterRules.IsFresh(now.AddDays(-89), now, 90));
        Assert.False(RegisterRules.IsFresh(now.AddDays(-90), now, 90));
        Assert.Equal(0.25, new Freshness(8, 2).Share);
        Assert.Equal(0, new Freshness(0, 0).Share);
    }
}

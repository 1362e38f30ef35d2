using GridMap.Domain.Access;
using GridMap.Domain.Audit;
using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Domain.Tests;

public sealed class AccessTests
{
    [Theory]
    [InlineData(Role.GridManager, "140428203211006", "140428203211006", true)]
    [InlineData(Role.GridManager, "140428203211006", "140428203211005", false)]
    [InlineData(Role.TownshipStaff, "140428203", "140428203211005", true)]
    [InlineData(Role.TownshipStaff, "140428203", "140428100201001", false)]
    [InlineData(Role.ProvinceStaff, "14", "140100001001001", true)]
    public void The_area_is_a_code_prefix(Role role, string scope, string grid, bool covered)
    {
        var caller = new Caller("x", role, AdminCode.Parse(scope), role.DefaultCategories().ToHashSet(), true, null);
        Assert.Equal(covered, caller.Covers(grid));
    }

    [Fact]
    public void A_department_officer_reads_only_its_departments_groups()
    {
        var justice = new Caller("j", Role.DepartmentOfficer, AdminCode.Parse("140428"),
            Role.DepartmentOfficer.DefaultCategories(Departments.Justice).ToHashSet(), true, Departments.Justice);
        Assert.Equal(["released_prisoner", "community_correction"], justice.ReadableGroups);
        Assert.False(justice.Holds(DataCategory.Residents));
        Assert.True(justice.MayImport(Departments.Justice));
        Assert.False(justice.MayImport(Departments.Health));
    }

    [Theory]
    [InlineData(Role.Planner, new[] { DataCategory.Buildings }, false)]
    [InlineData(Role.Auditor, new DataCategory[0], false)]
    [InlineData(Role.Admin, new DataCategory[0], false)]
    [InlineData(Role.GridManager, new[] { DataCategory.Buildings, DataCategory.Residents, DataCategory.Welfare, DataCategory.Health, DataCategory.PublicSecurity, DataCategory.Justice }, true)]
    public void Roles_default_to_the_least_they_need(Role role, DataCategory[] categories, bool unmask)
    {
        Assert.Equal(categories, role.DefaultCategories());
        Assert.Equal(unmask, role.MayUnmask());
    }

    [Fact]
    public void Slugs_round_trip()
    {
        Assert.All(Enum.GetValues<Role>(), r => Assert.Equal(r, Roles.FromSlug(r.Slug())));
        Assert.All(Enum.GetValues<DataCategory>(), c => Assert.Equal(c, DataCategories.FromSlug(c.Slug())));
        Assert.Null(Roles.FromSlug("root"));
    }

    [Fact]
    public void The_audit_chain_detects_a_changed_field_and_a_reordering()
    {
        var at = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
        var entries = new List<AuditEntry>();
        var previous = AuditChain.GenesisHash;
        for (var seq = 1; seq <= 3; seq++)
        {
            var hash = AuditChain.Hash(seq, at, "a", "unmask", $"person:{seq}", "why", "{}", previous);
            entries.Add(new AuditEntry(seq, at, "a", "unmask", $"person:{seq}", "why", "{}", previous, hash));
            previous = hash;
        }
        Assert.Null(AuditChain.Verify(entries));
        Assert.Equal(2, AuditChain.Verify([entries[0], entries[1] with { Purpose = "other" }, entries[2]])!.Seq);
        Assert.Equal(2, AuditChain.Verify([entries[0], entries[2]])!.Seq);
        Assert.Equal(1, AuditChain.Verify([entries[1], entries[0], entries[2]])!.Seq);
    }
}

using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Domain.Access;

/// <summary>
/// Who an account is in the grid system: centre staff of one level (综治中心), a grid manager (网格员), a department
/// officer, a planner, an auditor or the administrator.
/// </summary>
public enum Role
{
    ProvinceStaff,
    CityStaff,
    CountyStaff,
    TownshipStaff,
    VillageStaff,
    GridManager,
    DepartmentOfficer,
    Planner,
    Auditor,
    Admin,
}

public static class Roles
{
    private static readonly DataCategory[] Everything =
        [DataCategory.Buildings, DataCategory.Residents, DataCategory.Welfare, DataCategory.Health, DataCategory.PublicSecurity, DataCategory.Justice];

    public static string Slug(this Role role) => role switch
    {
        Role.ProvinceStaff => "province_staff",
        Role.CityStaff => "city_staff",
        Role.CountyStaff => "county_staff",
        Role.TownshipStaff => "township_staff",
        Role.VillageStaff => "village_staff",
        Role.GridManager => "grid_manager",
        Role.DepartmentOfficer => "department_officer",
        Role.Planner => "planner",
        Role.Auditor => "auditor",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static Role? FromSlug(string? slug) => Enum.GetValues<Role>().Cast<Role?>().FirstOrDefault(r => r!.Value.Slug() == slug);

    /// <summary>The level an account's scope must have for a centre role or a grid manager; any level otherwise.</summary>
    public static AdminLevel? ScopeLevel(this Role role) => role switch
    {
        Role.ProvinceStaff => AdminLevel.Province,
        Role.CityStaff => AdminLevel.City,
        Role.CountyStaff => AdminLevel.County,
        Role.TownshipStaff => AdminLevel.Township,
        Role.VillageStaff => AdminLevel.Village,
        Role.GridManager => AdminLevel.Grid,
        _ => null,
    };

    /// <summary>
    /// Categories an account of this role gets unless the administrator narrows them: centre staff and grid managers
    /// everything in their area, a department officer buildings and its own department's category, a planner
    /// buildings only, the auditor and administrator no population data (separation of duties).
    /// </summary>
    public static IReadOnlyList<DataCategory> DefaultCategories(this Role role, string? department = null) => role switch
    {
        Role.DepartmentOfficer => [DataCategory.Buildings, .. Departments.GroupsOf(department ?? "").Select(g => g.Category).Distinct()],
        Role.Planner => [DataCategory.Buildings],
        Role.Auditor or Role.Admin => [],
        _ => Everything,
    };

    /// <summary>Whether the role may unmask ID numbers and phones at all (each unmask still needs a stated purpose).</summary>
    public static bool MayUnmask(this Role role) => role is not (Role.Planner or Role.Auditor or Role.Admin);
}

using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Store.Accounts;

/// <summary>
/// One account per role over 长子县 (140428) and its grid 140428203211006 (南陈乡西沟村), and a grid manager in 小店区
/// (140105), for local runs, demos and tests. Local only: the password is public in the README.
/// </summary>
public static class DemoAccounts
{
    public const string Password = "gridmap-demo";
    public const string GridManagerGrid = "140428203211006";
    public const string NeighbourGrid = "140428203211005";

    /// <summary>A grid of 太原市小店区 (坞城街道师范街社区), the urban district the default run also loads: moves between counties.</summary>
    public const string UrbanGrid = "140105001001001";

    // Synthetic mobile numbers (138 0000 0001 …, in this order), so the demo's text messages have somewhere to go (the log gateway).
    public static IReadOnlyList<NewAccount> All { get; } = new NewAccount[]
    {
        Account("province", "省综治中心 演示", Role.ProvinceStaff, "14"),
        Account("city", "长治市综治中心 演示", Role.CityStaff, "1404"),
        Account("county", "长子县综治中心 演示", Role.CountyStaff, "140428"),
        Account("township", "南陈乡综治中心 演示", Role.TownshipStaff, "140428203"),
        Account("village", "西沟村服务站 演示", Role.VillageStaff, "140428203211"),
        Account("gridmanager", "网格员 006 演示", Role.GridManager, GridManagerGrid),
        Account("gridmanager2", "网格员 005 演示", Role.GridManager, NeighbourGrid),
        Account("gridmanager3", "网格员 小店区 演示", Role.GridManager, UrbanGrid),
        Account("civil", "县民政局 演示", Role.DepartmentOfficer, "140428", Departments.CivilAffairs),
        Account("health", "县卫健局 演示", Role.DepartmentOfficer, "140428", Departments.Health),
        Account("justice", "县司法局 演示", Role.DepartmentOfficer, "140428", Departments.Justice),
        Account("police", "县公安局 演示", Role.DepartmentOfficer, "140428", Departments.PublicSecurity),
        Account("urban", "县城管局 演示", Role.DepartmentOfficer, "140428", Departments.UrbanManagement),
        Account("planner", "规划员 演示", Role.Planner, "140428"),
        Account("auditor", "审计员 演示", Role.Auditor, "14"),
        Account("admin", "系统管理员 演示", Role.Admin, "14"),
    }.Select((account, i) => account with { Phone = $"1380000{i + 1:D4}" }).ToArray();

    private static NewAccount Account(string username, string displayName, Role role, string scope, string? department = null) =>
        new(username, displayName, Password, role, AdminCode.Parse(scope), Department: department);

    /// <summary>Creates or resets every demo account.</summary>
    public static async Task EnsureAsync(AccountStore accounts, CancellationToken ct = default)
    {
        foreach (var account in All)
            await accounts.CreateAsync(account, ct);
    }
}

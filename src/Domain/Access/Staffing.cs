using System.Text.RegularExpressions;

namespace GridMap.Domain.Access;

/// <summary>
/// Staffing grids (网格员配备): who appoints, replaces and vacates grid managers, and the account that goes with a grid's
/// post. Each grid has one post account, <c>gm</c> + the grid code: an appointment (re)issues it to the new manager with
/// a fresh password, a vacancy disables it, so a replaced manager keeps no access.
/// </summary>
public static partial class Staffing
{
    private static readonly Role[] Appointers = [Role.TownshipStaff, Role.CountyStaff, Role.CityStaff, Role.ProvinceStaff, Role.Admin];

    /// <summary>Township, county, city and province centres (and administrators) staff the grids of their area.</summary>
    public static bool MayStaff(Caller caller, string grid) => Appointers.Contains(caller.Role) && caller.Covers(grid);

    public static string PostAccount(string grid) => "gm" + grid;

    /// <summary>Null when the manager's name and phone are acceptable, else the field and what is wrong.</summary>
    public static (string Field, string Message)? Check(string? name, string? phone) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 50 ? ("name", "The manager's name has 1–50 characters.")
        : phone is null || !MobilePhone().IsMatch(phone) ? ("phone", "The manager's phone is an 11-digit mainland mobile number.")
        : null;

    [GeneratedRegex("^1[0-9]{10}$")]
    private static partial Regex MobilePhone();
}

namespace GridMap.MapPortal.Account;

/// <summary>Role groups the portal's pages show actions to (GeoApi decides again on every call).</summary>
public static class PortalRoles
{
    /// <summary>Who changes the population register: grid managers and village, township and county staff.</summary>
    public static readonly IReadOnlyList<string> RegisterWriters = ["grid_manager", "village_staff", "township_staff", "county_staff"];

    /// <summary>Who corrects identity facts in the register: village and township staff.</summary>
    public static bool CorrectsRegister(string? role) => role is "village_staff" or "township_staff";
}

namespace GridMap.Domain.Codes;

/// <summary>
/// The six levels that share one platform, from province to grid (省、市、县、乡、村、网格).
/// The numeric value is the depth: the province is 1, a grid is 6.
/// </summary>
public enum AdminLevel
{
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Village = 5,
    Grid = 6,
}

public static class AdminLevels
{
    /// <summary>Code length per level: 2, 4, 6 (GB/T 2260), 9, 12 (statistical division code), 15 (grid).</summary>
    public static int CodeLength(this AdminLevel level) => level switch
    {
        AdminLevel.Province => 2,
        AdminLevel.City => 4,
        AdminLevel.County => 6,
        AdminLevel.Township => 9,
        AdminLevel.Village => 12,
        AdminLevel.Grid => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    public static AdminLevel? FromCodeLength(int length) => length switch
    {
        2 => AdminLevel.Province,
        4 => AdminLevel.City,
        6 => AdminLevel.County,
        9 => AdminLevel.Township,
        12 => AdminLevel.Village,
        15 => AdminLevel.Grid,
        _ => null,
    };

    public static AdminLevel? Parent(this AdminLevel level) =>
        level == AdminLevel.Province ? null : level - 1;

    public static AdminLevel? Child(this AdminLevel level) =>
        level == AdminLevel.Grid ? null : level + 1;

    /// <summary>Lower-case English name used in URLs and JSON ("county", "grid").</summary>
    public static string Slug(this AdminLevel level) => level.ToString().ToLowerInvariant();
}

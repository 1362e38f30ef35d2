using GridMap.Domain.Codes;

namespace GridMap.Store.Units;

/// <summary>A unit (province … village, or a grid) with its figures, as the API shows it.</summary>
public sealed record UnitView(
    string Code,
    string Name,
    AdminLevel Level,
    IReadOnlyList<UnitRef> Chain,
    int ChildCount,
    int GridCount,
    int ManagerCount,
    int VacantCount,
    double AreaM2,
    int? Households,
    bool Urban,
    string BoundarySource,
    string? StatCode2016,
    double[] Bbox,
    double[] LabelPoint);

/// <summary>A unit named in a chain or a search result.</summary>
public sealed record UnitRef(string Code, string Name, AdminLevel Level);

/// <summary>One row of a unit's children list.</summary>
public sealed record ChildView(
    string Code,
    string Name,
    AdminLevel Level,
    int GridCount,
    int ManagerCount,
    int VacantCount,
    double AreaM2,
    int? Households,
    bool Urban,
    string? ManagerName,
    double[] LabelPoint);

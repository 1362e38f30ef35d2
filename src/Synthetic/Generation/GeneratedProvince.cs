using GridMap.Domain.Codes;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.Generation;

public sealed record UnitRecord(
    string Code,
    AdminLevel Level,
    string Name,
    string? ParentCode,
    string? StatCode2016,
    bool Urban,
    string BoundarySource,
    MultiPolygon Geometry,
    Point LabelPoint,
    Point? Seat,
    double AreaM2,
    int Households)
{
    /// <summary>The coverage-simplified copy for small-scale maps (set once the whole level is known).</summary>
    public MultiPolygon? Generalized { get; init; }
}

public sealed record GridRecord(string Code, string VillageCode, MultiPolygon Geometry, Point LabelPoint, double AreaM2, int Households);

public sealed record ManagerRecord(string GridCode, string Name, string Phone, DateOnly AppointedOn);

/// <summary>A whole generated province, in memory, ready for <see cref="ProvinceLoader"/>.</summary>
public sealed record GeneratedProvince(
    int Seed,
    string GeneratorVersion,
    IReadOnlyList<UnitRecord> Units,
    IReadOnlyList<GridRecord> Grids,
    IReadOnlyList<ManagerRecord> Managers,
    TimeSpan Elapsed)
{
    /// <summary>The 2023 codes that name this province's units (the crosswalk rows whose unit was generated).</summary>
    public IReadOnlyList<Code2023Spec> Codes2023 { get; init; } = [];

    public int CountUnits(AdminLevel level) => Units.Count(u => u.Level == level);
}

/// <summary>The targets of a generation run. The defaults are Shanxi's end-2013 figures.</summary>
public sealed record GenerationTargets
{
    public int Seed { get; init; } = 2013;
    public int Grids { get; init; } = 78_379;
    public int Managers { get; init; } = 77_644;

    /// <summary>Counties whose grid count is known exactly (长子县: 399 villages → 3,500 grids, all staffed).</summary>
    public IReadOnlyDictionary<string, int> FixedCountyGrids { get; init; } = new Dictionary<string, int> { ["140428"] = 3_500 };

    /// <summary>Households per grid aimed at: urban comprehensive grids 300–500, rural grids far smaller.</summary>
    public double UrbanHouseholdsPerGrid { get; init; } = 400;
    public double RuralHouseholdsPerGrid { get; init; } = 60;
}

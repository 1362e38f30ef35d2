using GridMap.Store.Units;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Grids;

/// <summary>A grid with its place in the hierarchy, its manager (phone masked) and its neighbours.</summary>
public sealed record GridView(
    string Code,
    string Name,
    int Sequence,
    IReadOnlyList<UnitRef> Chain,
    GridManagerView? Manager,
    double AreaM2,
    int Households,
    IReadOnlyList<string> Neighbours,
    Geometry Geometry,
    double[] LabelPoint);

public sealed record GridManagerView(string Name, string PhoneMasked, DateOnly AppointedOn);

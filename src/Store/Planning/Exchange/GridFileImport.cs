using GridMap.Domain.Codes;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Planning.Exchange;

/// <summary>
/// What a GIS file brought back for one village: the grids it holds and every problem found in the file itself
/// (before any topology rule of the layout is checked). Only a file without problems is fit to become a draft.
/// </summary>
public sealed record GridFileImport(IReadOnlyList<ImportedGrid> Grids, IReadOnlyList<GridFileProblem> Problems)
{
    public bool IsClean => Problems.Count == 0;

    /// <summary>Grids the file numbered under a 2023 village code of this village: read as new grids (code null).</summary>
    public IReadOnlyList<RenumberedGrid> Renumbered { get; init; } = [];

    public static GridFileImport Refused(GridFileProblem problem) => new([], [problem]);
}

/// <summary>A feature whose grid code hangs under a 2023 village code that the crosswalk maps to the imported village.</summary>
public sealed record RenumberedGrid(int FeatureIndex, string Code2023, string Village2023);

/// <summary>
/// One polygonal feature of an imported file: its existing grid code, or null for a grid the planner drew new
/// (it gets its code when the draft is published).
/// </summary>
/// <param name="FeatureIndex">Zero-based position of the feature in the file.</param>
/// <param name="Geometry">A Polygon or MultiPolygon in CGCS2000 lon/lat (SRID 4490); possibly invalid, which a problem then says.</param>
public sealed record ImportedGrid(int FeatureIndex, AdminCode? Code, Geometry Geometry);

/// <summary>
/// A problem with the file or one of its features. <see cref="FeatureIndex"/> and <see cref="Code"/> are null for
/// the file as a whole; <see cref="Location"/> is where to look (the error point of an invalid polygon, else the
/// feature's geometry), null when there is nothing to show.
/// </summary>
public sealed record GridFileProblem(GridFileProblemKind Kind, int? FeatureIndex, string? Code, string Message, Geometry? Location)
{
    public static GridFileProblem OfFile(GridFileProblemKind kind, string message) => new(kind, null, null, message, null);
}

public enum GridFileProblemKind
{
    /// <summary>Not a file in a format GridMap reads, or broken.</summary>
    Unreadable,
    /// <summary>Larger than the import limit (the file, or a zip's contents).</summary>
    Oversized,
    /// <summary>More features than a village may have grids.</summary>
    TooManyFeatures,
    /// <summary>Coordinates are not longitude/latitude (a projected coordinate system).</summary>
    NotGeographic,
    /// <summary>A geographic coordinate system other than CGCS2000 or WGS 84.</summary>
    UnsupportedCrs,
    /// <summary>A feature without geometry, or with an empty one.</summary>
    MissingGeometry,
    /// <summary>A point, line or anything else that is not a polygon.</summary>
    WrongGeometryType,
    /// <summary>A polygon that is not valid (self-intersection, bow-tie, ring outside its shell …).</summary>
    InvalidPolygon,
    /// <summary>Coordinates outside Shanxi.</summary>
    OutsideShanxi,
    /// <summary>A code that is not a 15-digit grid code.</summary>
    MalformedCode,
    /// <summary>A grid code of another village.</summary>
    OtherVillage,
    /// <summary>A code that an earlier feature of the file already has.</summary>
    DuplicateCode,
}

using GridMap.Domain.Topology;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Planning;

/// <summary>Who holds a village's edit lock, and until when.</summary>
public sealed record LockView(string Holder, string? HolderName, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);

public sealed record DraftInfo(int DraftVersion, int BaseVersion, string Author, DateTimeOffset UpdatedAt);

/// <summary>A village's edit state: its published version, the live lock (null when free or lapsed) and the draft.</summary>
public sealed record VillageSession(string Village, string Name, int Version, DateTimeOffset ValidFrom, LockView? Lock, DraftInfo? Draft);

/// <summary>A GeoJSON FeatureCollection of features with typed properties.</summary>
public sealed record FeatureCollectionView<TProperties>(IReadOnlyList<FeatureView<TProperties>> Features)
{
    public string Type => "FeatureCollection";
}

public sealed record FeatureView<TProperties>(Geometry Geometry, TProperties Properties)
{
    public string Type => "Feature";
}

/// <summary>One proposed grid of a draft with the guideline preview: what it would hold, and warnings outside the guideline.</summary>
public sealed record DraftGridProperties(string Code, string Status, int Households, int People, int OpenEvents, double AreaM2, IReadOnlyList<string> Warnings);

public sealed record ViolationView(string Rule, IReadOnlyList<string> GridCodes, string Message, Geometry Location);

public sealed record LineageView(string Edit, IReadOnlyList<string> From, IReadOnlyList<string> To)
{
    public static LineageView Of(Lineage lineage) => new(
        lineage.Edit.ToString().ToLowerInvariant(), [.. lineage.From.Select(c => c.Value)], [.. lineage.To.Select(c => c.Value)]);
}

public sealed record DraftView(
    string Village,
    int BaseVersion,
    int DraftVersion,
    FeatureCollectionView<DraftGridProperties> Grids,
    IReadOnlyList<ViolationView> Violations,
    IReadOnlyList<LineageView> Lineage,
    bool CanPublish);

/// <summary>
/// One edit of a draft, in CGCS2000 lon/lat as the portal draws it. <see cref="Edit"/> is split (grid + line), merge
/// (grid + other), dissolve (grid into other), carve (polygon), moveVertex (from → to) or reshapeEdge (grid + other + line).
/// </summary>
public sealed record DraftEdit(string Edit, string? Grid = null, string? Other = null, LineString? Line = null, Polygon? Polygon = null,
    Coordinate? From = null, Coordinate? To = null)
{
    public static readonly IReadOnlyList<string> Kinds = ["split", "merge", "dissolve", "carve", "moveVertex", "reshapeEdge"];
}

/// <summary>One grid of a draft given whole (a file import): an existing code, or null for a new grid; geometry in CGCS2000 lon/lat.</summary>
public sealed record DraftFeature(string? Code, Geometry Geometry);

public sealed record VersionView(int Version, DateTimeOffset ValidFrom, string Author, string Reason, IReadOnlyList<string> Added,
    IReadOnlyList<string> Retired, IReadOnlyList<string> Reshaped);

public sealed record DiffProperties(string Code, string Change, string Side);

public sealed record ChangesView(IReadOnlyList<string> Added, IReadOnlyList<string> Retired, IReadOnlyList<string> Reshaped)
{
    public static ChangesView Of(GridChanges changes) => new(
        [.. changes.Added.Select(c => c.Value)], [.. changes.Retired.Select(c => c.Value)], [.. changes.Reshaped.Select(c => c.Value)]);
}

public sealed record CarriedManager(string From, string To, string Name);

/// <summary>A grid manager (kind "manager") or an account (kind "account") whose grid was retired and who needs a new one.</summary>
public sealed record FlaggedManager(string From, string Name, string? Username, string Kind);

public sealed record RelinkCounts(int Buildings, int Households, int Events);

public sealed record ManagerChanges(IReadOnlyList<CarriedManager> Carried, IReadOnlyList<FlaggedManager> Flagged);

public sealed record PublishResult(int Version, DateTimeOffset ValidFrom, IReadOnlyList<string> Added, IReadOnlyList<string> Retired,
    IReadOnlyList<string> Reshaped, IReadOnlyList<LineageView> Lineage, RelinkCounts Relinked, ManagerChanges Managers);

/// <summary>Why a planning request was refused: the <see cref="Domain.Problem.Code"/> of its problem.</summary>
public static class PlanningProblem
{
    /// <summary>Not a planner or administrator (403).</summary>
    public const string NotAPlanner = "planning.not-a-planner";
    /// <summary>No such village in the caller's area, no draft, no such version (404).</summary>
    public const string NotFound = "planning.not-found";
    /// <summary>The lock is someone else's, or the caller's has lapsed (409; the holder when someone holds it).</summary>
    public const string Locked = "planning.locked";
    /// <summary>The draft moved on since the draftVersion the caller sent (409 with currentDraftVersion).</summary>
    public const string StaleDraft = "planning.stale-draft";
    /// <summary>A publish whose draft started from an older published version (409 with what changed since).</summary>
    public const string StaleBase = "planning.stale-base";
    /// <summary>An edit the rules refuse, unreadable geometry, a publish with violations (422 with the violations).</summary>
    public const string Refused = "planning.refused";
}

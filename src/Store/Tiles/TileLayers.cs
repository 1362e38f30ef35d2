using GridMap.Store.Database;

namespace GridMap.Store.Tiles;

/// <summary>One attribute of a vector layer, as TileJSON's vector_layers lists it.</summary>
public sealed record TileField(string Name, string Type, string Description);

/// <summary>An MVT layer inside a tile source's tiles.</summary>
public sealed record VectorLayerInfo(string Id, string Description, int MinZoom, int MaxZoom, IReadOnlyList<TileField> Fields);

/// <summary>
/// A tile layer served from PostGIS: its name in URLs, its zoom range, the MVT layers its tiles contain and the
/// <c>.sql</c> file beside this class that builds a tile from @z, @x and @y.
/// </summary>
public sealed record TileLayerDefinition(string Name, string Description, int MinZoom, int MaxZoom, string SqlResource, IReadOnlyList<VectorLayerInfo> VectorLayers)
{
    /// <summary>
    /// Tiles depend on who asks (their SQL takes @scope and @with_counts): served only to signed-in accounts, vector
    /// only, never put in the shared cache.
    /// </summary>
    public bool PerAccount { get; init; }

    /// <summary>The data category a per-account layer's reader must hold (null: any signed-in account; its SQL scopes it).</summary>
    public Domain.Access.DataCategory? RequiredCategory { get; init; }

    public string Sql => Database.SqlResource.Get(SqlResource);
}

/// <summary>The layers GridMap serves. A new layer is a definition here and a .sql file beside it.</summary>
public static class TileLayers
{
    public const int MvtExtent = 4096;
    public const int MvtBuffer = 64;

    private static readonly TileField Code = new("code", "String", "Unit or grid code (2–15 digits)");
    private static readonly TileField Name = new("name", "String", "Chinese name");
    private static readonly TileField Level = new("level", "Number", "1 province, 2 city, 3 county, 4 township, 5 village");

    public static readonly TileLayerDefinition Admin = new(
        "admin", "Province, city, county, township and village outlines and labels, chosen by zoom", 0, 14, "Tiles/admin.sql",
        [
            new VectorLayerInfo("admin", "Outlines: province and cities z0–7, counties from z8, townships from z10, villages from z11", 0, 14, [Code, Name, Level]),
            new VectorLayerInfo("admin_labels", "Label points of the most detailed level shown", 0, 14, [Code, Name, Level]),
        ]);

    public static readonly TileLayerDefinition Grids = new(
        "grids", "The 78,379 grids (synthetic polygons) with staffing, from zoom 11", 11, 16, "Tiles/grids.sql",
        [
            new VectorLayerInfo("grids", "Grids from zoom 11", 11, 16,
            [
                new TileField("code", "String", "15-digit grid code"),
                new TileField("village", "String", "12-digit village code"),
                new TileField("status", "String", "staffed or vacant"),
                new TileField("area_m2", "Number", "Ellipsoidal area in square metres"),
            ]),
            new VectorLayerInfo("grid_labels", "Grid label points from zoom 14", 14, 16, [new TileField("code", "String", "15-digit grid code")]),
        ]);

    public static readonly TileLayerDefinition Buildings = new(
        "buildings", "Building footprints from zoom 15, only those in the requesting account's area", 15, 18, "Tiles/buildings.sql",
        [
            new VectorLayerInfo("buildings", "Building footprints (synthetic) of the account's area", 15, 18,
            [
                new TileField("code", "String", "20-digit building code (grid code + 5-digit sequence)"),
                new TileField("grid", "String", "15-digit grid code"),
                new TileField("use", "String", "residential, mixed, commercial, public or other"),
                new TileField("floors", "Number", "Number of floors"),
                new TileField("households", "Number", "Households living there; only for accounts that read residents"),
            ]),
        ])
    { PerAccount = true, RequiredCategory = Domain.Access.DataCategory.Buildings };

    private static readonly TileField Deadline = new("deadline", "String",
        "on_time, due_soon, overdue, paused or finished (for a cluster: the worst of its events)");

    public static readonly TileLayerDefinition Incidents = new(
        "incidents", "Events (事件) in the requesting account's area: open ones and those finished in the last 7 days; clustered up to zoom 12",
        5, 18, "Tiles/incidents.sql",
        [
            new VectorLayerInfo("incidents", "Up to zoom 12 one point per cluster (count, open, deadline, urgent); from zoom 13 one point per event", 5, 18,
            [
                new TileField("id", "Number", "Event id (from zoom 13)"),
                new TileField("category", "String", "4-digit category code (from zoom 13)"),
                new TileField("major", "String", "2-digit major class (from zoom 13)"),
                new TileField("state", "String", "Workflow state (from zoom 13)"),
                Deadline,
                new TileField("urgent", "Boolean", "Urgent category (for a cluster: any open urgent event)"),
                new TileField("age_hours", "Number", "Hours since it was reported (from zoom 13)"),
                new TileField("count", "Number", "Events in the cluster (up to zoom 12)"),
                new TileField("open", "Number", "Open events in the cluster (up to zoom 12)"),
            ]),
        ])
    { PerAccount = true };

    public static readonly TileLayerDefinition Freshness = new(
        "freshness", "Register freshness per grid (fresh households / households) in the requesting account's area, from zoom 11", 11, 18,
        "Tiles/freshness.sql",
        [
            new VectorLayerInfo("freshness", "Grids of the account's area with their register freshness", 11, 18,
            [
                new TileField("code", "String", "15-digit grid code"),
                new TileField("households", "Number", "Open households in the grid"),
                new TileField("fresh", "Number", "Households verified or changed within the freshness window (default 90 days)"),
                new TileField("permille", "Number", "fresh / households in permille; absent when the grid has no households"),
            ]),
        ])
    { PerAccount = true, RequiredCategory = Domain.Access.DataCategory.Buildings };

    public static IReadOnlyList<TileLayerDefinition> All { get; } = [Admin, Grids, Buildings, Incidents, Freshness];

    /// <summary>The layers anyone may fetch, cache, seed and draw as PNG.</summary>
    public static IReadOnlyList<TileLayerDefinition> Public { get; } = All.Where(l => !l.PerAccount).ToArray();

    /// <summary>Shanxi's extent in lon/lat (from the county polygons): tiles outside it are empty without asking PostGIS.</summary>
    public static readonly double[] DataBounds = [110.23, 34.58, 114.57, 40.74];

    public static TileLayerDefinition? Find(string name) => All.FirstOrDefault(l => l.Name == name);
}

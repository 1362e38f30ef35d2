using GridMap.Store.Tiles;

namespace GridMap.GeoApi.Field;

/// <summary>Settings of the field app's bundle (section "Field").</summary>
public sealed class FieldOptions
{
    public const string SectionName = "Field";

    /// <summary>
    /// The tiling service as the phone reaches it (run.sh sets it). The bundle names it so the app caches its own
    /// grid's map tiles for airplane mode; without it the app draws the grid from the bundle alone.
    /// </summary>
    public string? TilesUrl { get; set; }
}

/// <summary>A tile layer the phone keeps for its grid's extent, from and to which zoom.</summary>
public sealed record FieldTileLayer(string Name, int MinZoom, int MaxZoom);

/// <summary>Where the phone fetches the tiles it keeps: the grid layer (to its last zoom; the map zooms in on those) and the account's buildings.</summary>
public sealed record FieldTiles(string Url, IReadOnlyList<FieldTileLayer> Layers)
{
    public const int FirstZoom = 15, LastZoom = 18;

    public static FieldTiles? For(string? url) => string.IsNullOrWhiteSpace(url) ? null : new(url.TrimEnd('/'),
        [Layer(TileLayers.Grids), Layer(TileLayers.Buildings)]);

    private static FieldTileLayer Layer(TileLayerDefinition layer) =>
        new(layer.Name, Math.Max(FirstZoom, layer.MinZoom), Math.Min(LastZoom, layer.MaxZoom));
}

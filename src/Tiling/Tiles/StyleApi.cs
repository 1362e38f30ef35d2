using System.Text.Json.Nodes;
using GridMap.Tiling.Rendering;
using Microsoft.Extensions.Options;

namespace GridMap.Tiling.Tiles;

/// <summary>
/// The default look as a Mapbox GL style (version 8) over this service's vector tiles: readable by OpenLayers
/// (ol-mapbox-style) and MapLibre. Colours come from <see cref="MapStyle"/>, as on the PNG tiles.
/// </summary>
public static class StyleApi
{
    public static IEndpointRouteBuilder MapStyleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/styles/default.json", (HttpContext http, IOptions<TilingOptions> options) =>
        {
            return TypedResults.Text(Build(TilesApi.BaseUrl(http, options.Value)).ToJsonString(), "application/json");
        });
        return app;
    }

    public static JsonObject Build(string baseUrl)
    {
        var layers = new JsonArray
        {
            new JsonObject { ["id"] = "background", ["type"] = "background", ["paint"] = new JsonObject { ["background-color"] = MapStyle.Background } },
            new JsonObject
            {
                ["id"] = "grids-fill", ["type"] = "fill", ["source"] = "grids", ["source-layer"] = "grids", ["minzoom"] = 11,
                ["paint"] = new JsonObject
                {
                    ["fill-color"] = new JsonArray("match", new JsonArray("get", "status"), "vacant", MapStyle.GridVacantFill, MapStyle.GridStaffedFill),
                },
            },
            new JsonObject
            {
                ["id"] = "grids-outline", ["type"] = "line", ["source"] = "grids", ["source-layer"] = "grids", ["minzoom"] = 11,
                ["paint"] = new JsonObject { ["line-color"] = MapStyle.GridOutline, ["line-width"] = new JsonArray("interpolate", new JsonArray("linear"), new JsonArray("zoom"), 11, 0.4, 16, 1.2) },
            },
        };
        for (var level = 5; level >= 1; level--)
        {
            var (colour, width) = MapStyle.AdminLine(level);
            layers.Add(new JsonObject
            {
                ["id"] = $"admin-level-{level}", ["type"] = "line", ["source"] = "admin", ["source-layer"] = "admin",
                ["filter"] = new JsonArray("==", new JsonArray("get", "level"), level),
                ["paint"] = new JsonObject { ["line-color"] = colour, ["line-width"] = width },
            });
        }
        layers.Add(new JsonObject
        {
            ["id"] = "grid-labels", ["type"] = "symbol", ["source"] = "grids", ["source-layer"] = "grid_labels", ["minzoom"] = 14,
            ["layout"] = new JsonObject
            {
                ["text-field"] = new JsonArray("step", new JsonArray("zoom"), new JsonArray("slice", new JsonArray("get", "code"), 12), MapStyle.GridFullCodeMinZoom, new JsonArray("get", "code")),
                ["text-size"] = 11,
                ["text-font"] = new JsonArray("Noto Sans CJK SC Regular"),
            },
            ["paint"] = new JsonObject { ["text-color"] = MapStyle.GridLabel, ["text-halo-color"] = MapStyle.LabelHalo, ["text-halo-width"] = 1.5 },
        });
        layers.Add(new JsonObject
        {
            ["id"] = "admin-labels", ["type"] = "symbol", ["source"] = "admin", ["source-layer"] = "admin_labels",
            ["layout"] = new JsonObject
            {
                ["text-field"] = new JsonArray("get", "name"),
                ["text-size"] = new JsonArray("match", new JsonArray("get", "level"), 1, MapStyle.AdminLabelSize(1), 2, MapStyle.AdminLabelSize(2), 3, MapStyle.AdminLabelSize(3), 4, MapStyle.AdminLabelSize(4), MapStyle.AdminLabelSize(5)),
                ["text-font"] = new JsonArray("Noto Sans CJK SC Regular"),
            },
            ["paint"] = new JsonObject { ["text-color"] = MapStyle.AdminLine(2).Colour, ["text-halo-color"] = MapStyle.LabelHalo, ["text-halo-width"] = 1.5 },
        });
        return new JsonObject
        {
            ["version"] = 8,
            ["name"] = "GridMap default",
            ["metadata"] = new JsonObject { ["attribution"] = TileJson.DefaultAttribution },
            ["center"] = new JsonArray(112.4, 37.6),
            ["zoom"] = 6,
            ["sources"] = new JsonObject
            {
                ["admin"] = new JsonObject { ["type"] = "vector", ["url"] = $"{baseUrl}/tiles/admin.json" },
                ["grids"] = new JsonObject { ["type"] = "vector", ["url"] = $"{baseUrl}/tiles/grids.json" },
            },
            ["layers"] = layers,
        };
    }
}

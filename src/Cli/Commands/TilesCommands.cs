using System.CommandLine;
using System.Text.Json;
using GridMap.Store.Database;
using GridMap.Store.Tiles;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap tiles seed|stats</c>: fill and inspect the tiling service's cache over HTTP.</summary>
internal static class TilesCommands
{
    public const string UrlVariable = "GRIDMAP_TILES_URL";

    public static Command Build() => new("tiles", "Tile cache: seed it, read its statistics.") { Seed(), Stats() };

    private static Option<string> Url() => new("--url")
    {
        Description = $"Base URL of the tiling service (default: {UrlVariable} or http://127.0.0.1:8082).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(UrlVariable) ?? "http://127.0.0.1:8082",
    };

    private static Command Seed()
    {
        var db = CommonOptions.Database();
        var url = Url();
        var layer = new Option<string>("--layer") { Description = "Tile layer (admin, grids).", DefaultValueFactory = _ => "grids" };
        var minZoom = new Option<int>("--minzoom") { DefaultValueFactory = _ => 0 };
        var maxZoom = new Option<int>("--maxzoom") { DefaultValueFactory = _ => 14 };
        var format = new Option<string>("--format") { Description = "mvt, png or 2x.png.", DefaultValueFactory = _ => "mvt" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight.", DefaultValueFactory = _ => Environment.ProcessorCount * 2 };
        var command = new Command("seed", "Render every tile over Shanxi for a layer and zoom range into the service's cache, with progress and a summary.")
        {
            db, url, layer, minZoom, maxZoom, format, concurrency,
        };
        command.SetAction(async (result, ct) =>
        {
            if (TileLayers.Find(result.GetValue(layer)!) is not { PerAccount: false } definition)
                throw new ArgumentException($"Layer '{result.GetValue(layer)}' cannot be seeded; shared layers: {string.Join(", ", TileLayers.Public.Select(l => l.Name))}.");
            var (min, max) = (result.GetValue(minZoom), result.GetValue(maxZoom));
            if (min < 0 || max > 22 || min > max)
                throw new ArgumentException("Zooms must satisfy 0 ≤ minzoom ≤ maxzoom ≤ 22.");
            var suffix = result.GetValue(format) switch
            {
                "mvt" => ".mvt",
                "png" => ".png",
                "2x.png" => "@2x.png",
                var other => throw new ArgumentException($"Format '{other}' is not one of mvt, png, 2x.png."),
            };

            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-seed");
            var outline = await new VectorTileStore(dataSource).GetProvinceOutline3857Async(ct);
            var tiles = VectorTileStore.TilesOver(outline, min, max).ToList();
            Console.WriteLine($"seeding {tiles.Count:N0} {definition.Name} tiles (z{min}–z{max}, {suffix}) through {result.GetValue(url)}");

            using var http = new HttpClient { BaseAddress = new Uri(result.GetValue(url)!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(2) };
            var summary = await new TileSeeder(http, definition.Name, suffix).SeedAsync(tiles, result.GetValue(concurrency), new ProgressPrinter(), ct);
            Console.WriteLine($"seeded {summary.Tiles:N0} tiles ({summary.Empty:N0} empty), {summary.Bytes / 1048576.0:F1} MB in {summary.Seconds:F1} s: {summary.PerSecond:F0} tiles/s");
            return 0;
        });
        return command;
    }

    private static Command Stats()
    {
        var url = Url();
        var command = new Command("stats", "Print the tiling service's cache statistics.") { url };
        command.SetAction(async (result, ct) =>
        {
            using var http = new HttpClient();
            var json = await http.GetStringAsync(result.GetValue(url)!.TrimEnd('/') + "/tiles/cache", ct);
            foreach (var property in JsonDocument.Parse(json).RootElement.EnumerateObject())
                Console.WriteLine($"{property.Name,-22} {property.Value}");
            return 0;
        });
        return command;
    }
}

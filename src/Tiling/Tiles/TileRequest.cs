using System.Diagnostics.CodeAnalysis;
using GridMap.Domain;
using GridMap.Domain.Tiles;
using GridMap.Store.Tiles;
using GridMap.Tiling.Cache;

namespace GridMap.Tiling.Tiles;

/// <summary>Parses the parts of <c>/tiles/{layer}/{z}/{x}/{y}.{format}</c> into a key, or the problem with them.</summary>
public static class TileRequest
{
    public static bool TryParse(string layer, string z, string x, string file, [NotNullWhen(true)] out TileKey? key, [NotNullWhen(false)] out Problem? problem)
    {
        key = null;
        problem = null;
        if (TileLayers.Find(layer) is null)
        {
            problem = TileProblems.UnknownLayer($"There is no tile layer '{Truncate(layer)}'; layers: {string.Join(", ", TileLayers.All.Select(l => l.Name))}.");
            return false;
        }
        var dot = file.IndexOf('.');
        var (y, suffix) = dot < 0 ? (file, "") : (file[..dot], file[dot..]);
        TileFormat? format = suffix switch
        {
            ".mvt" or ".pbf" => TileFormat.Mvt,
            ".png" when y.EndsWith("@2x", StringComparison.Ordinal) => TileFormat.Png2x,
            ".png" => TileFormat.Png,
            _ => null,
        };
        if (format is null)
        {
            problem = TileProblems.Invalid($"Tile format '{Truncate(suffix)}' is not served; use .mvt (or .pbf), .png or @2x.png.");
            return false;
        }
        if (format == TileFormat.Png2x)
            y = y[..^3];
        if (!int.TryParse(z, System.Globalization.NumberStyles.None, null, out var zi)
            || !long.TryParse(x, System.Globalization.NumberStyles.None, null, out var xi)
            || !long.TryParse(y, System.Globalization.NumberStyles.None, null, out var yi))
        {
            problem = TileProblems.Invalid($"Tile coordinates must be whole numbers: got z='{Truncate(z)}', x='{Truncate(x)}', y='{Truncate(y)}'.");
            return false;
        }
        if (!TileCoordinate.TryCreate(zi, xi, yi, out var tile, out var error))
        {
            problem = TileProblems.Invalid(error);
            return false;
        }
        key = new TileKey(layer, tile, format.Value);
        return true;
    }

    private static string Truncate(string text) => text.Length <= 24 ? text : text[..24] + "…";
}

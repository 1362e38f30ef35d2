using System.Text.Json;

namespace GridMap.FieldApp.Services;

/// <summary>Whether a point lies in the grid's outline (a GeoJSON Polygon or MultiPolygon in lon/lat), checked on the phone before queueing.</summary>
public static class GridOutline
{
    public static bool Contains(JsonElement outline, double lon, double lat)
    {
        if (!outline.TryGetProperty("type", out var type) || !outline.TryGetProperty("coordinates", out var coordinates))
            return false;
        return type.GetString() switch
        {
            "Polygon" => InPolygon(coordinates, lon, lat),
            "MultiPolygon" => coordinates.EnumerateArray().Any(polygon => InPolygon(polygon, lon, lat)),
            _ => false,
        };
    }

    // Even-odd rule over every ring: inside the shell and outside its holes.
    private static bool InPolygon(JsonElement rings, double lon, double lat)
    {
        var inside = false;
        foreach (var ring in rings.EnumerateArray())
        {
            var points = ring.EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToArray();
            for (int i = 0, j = points.Length - 1; i < points.Length; j = i++)
                if ((points[i].Y > lat) != (points[j].Y > lat)
                    && lon < (points[j].X - points[i].X) * (lat - points[i].Y) / (points[j].Y - points[i].Y) + points[i].X)
                    inside = !inside;
        }
        return inside;
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using GridMap.Store.Boundaries;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Planning.Exchange;

/// <summary>Reads grids from GeoJSON: a FeatureCollection (or one Feature), the grid code in <c>properties.code</c>.</summary>
internal static partial class GeoJsonGrids
{
    public static bool LooksLikeJson(byte[] content)
    {
        var span = content.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
            span = span[3..];
        foreach (var b in span)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return b == '{';
        return false;
    }

    public static GridLayerRead Read(byte[] content, int maxFeatures)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException bad)
        {
            throw GridFileReader.Unreadable($"The GeoJSON cannot be read: {bad.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            List<JsonElement> features = type switch
            {
                "FeatureCollection" when root.TryGetProperty("features", out var array) && array.ValueKind == JsonValueKind.Array => [.. array.EnumerateArray()],
                "Feature" => [root],
                _ => throw GridFileReader.Unreadable("The GeoJSON is not a FeatureCollection of grids (type \"FeatureCollection\" with a \"features\" array)."),
            };
            var read = new List<RawGridFeature>();
            foreach (var feature in features.Take(maxFeatures + 1))
                read.Add(ReadFeature(read.Count, feature));
            return new GridLayerRead(read, features.Count, CrsProblem(root));
        }
    }

    private static RawGridFeature ReadFeature(int index, JsonElement feature)
    {
        if (feature.ValueKind != JsonValueKind.Object)
            return new RawGridFeature(index, null, null, "not a GeoJSON Feature object");
        string? code = null;
        if (feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            foreach (var property in properties.EnumerateObject())
                if (string.Equals(property.Name, ExchangeFields.Code, StringComparison.OrdinalIgnoreCase))
                    code = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => RawGridFeature.CodeText(property.Value.GetString()),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => property.Value.GetRawText(),
                    };
        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind == JsonValueKind.Null)
            return new RawGridFeature(index, code, null);
        try
        {
            return new RawGridFeature(index, code, geometry.Deserialize<Geometry>(Geo.GeoJsonOptions));
        }
        catch (Exception unreadable) when (unreadable is JsonException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return new RawGridFeature(index, code, null, GridFileReader.Shown(unreadable.Message));
        }
    }

    /// <summary>
    /// RFC 7946 GeoJSON has no "crs" member and means longitude/latitude. Older files (and GDAL) may name one: CRS84,
    /// EPSG:4326 and EPSG:4490 are read as they are; any other is refused rather than silently misplaced.
    /// </summary>
    private static GridFileProblem? CrsProblem(JsonElement root)
    {
        if (!root.TryGetProperty("crs", out var crs) || crs.ValueKind == JsonValueKind.Null)
            return null;
        var name = crs.ValueKind == JsonValueKind.Object && crs.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                   && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString() ?? ""
            : "";
        return AcceptedCrs().IsMatch(name)
            ? null
            : GridFileProblem.OfFile(GridFileProblemKind.UnsupportedCrs,
                $"The GeoJSON names the coordinate system '{GridFileReader.Shown(name)}'; GridMap reads CGCS2000 (EPSG:4490) or WGS 84 longitude/latitude.");
    }

    [GeneratedRegex(@"(CRS84|EPSG:{1,2}(4326|4490)|EPSG/0/(4326|4490))$", RegexOptions.IgnoreCase)]
    private static partial Regex AcceptedCrs();
}

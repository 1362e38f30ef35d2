using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;

namespace GridMap.GeoApi.Ogc;

/// <summary>
/// OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (CRS by reference) under <c>/ogc</c>,
/// so GIS clients (QGIS, GDAL's OAPIF driver) read the admin units and grids without custom code.
/// </summary>
public static class OgcApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;
    public const int MaxOffset = 10_000_000;
    public const string GeoJson = "application/geo+json";

    public static IEndpointRouteBuilder MapOgcApi(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API – Features").ExcludeFromDescription();
        ogc.MapGet("/", Landing);
        ogc.MapGet("/conformance", Conformance);
        ogc.MapGet("/api", (HttpContext http) => TypedResults.Text(OgcOpenApi.Build(Base(http)).ToJsonString(), "application/vnd.oai.openapi+json;version=3.0"));
        ogc.MapGet("/collections", Collections);
        ogc.MapGet("/collections/{collectionId}", Collection);
        ogc.MapGet("/collections/{collectionId}/items", Items);
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", Item);
        return app;
    }

    private static string Base(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/ogc";

    /// <summary>HTML for browsers (or f=html), JSON otherwise; anything else for f is a 400.</summary>
    private static bool WantsHtml(HttpContext http, out ProblemHttpResult? problem)
    {
        problem = null;
        var f = http.Request.Query["f"].ToString();
        switch (f)
        {
            case "html": return true;
            case "json" or "geojson": return false;
            case "":
                var accept = http.Request.Headers.Accept.ToString();
                return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase);
            default:
                problem = ApiProblems.BadRequest($"f must be json or html, not '{CodeRoute.Truncate(f)}'.");
                return false;
        }
    }

    private static object Link(string href, string rel, string type, string title) => new { href, rel, type, title };

    public static IResult Landing(HttpContext http)
    {
        var html = WantsHtml(http, out var problem);
        if (problem is not null)
            return problem;
        var b = Base(http);
        var body = new
        {
            title = "GridMap – Shanxi grids (OGC API – Features)",
            description = "Admin units and the 78,379 grids of Shanxi. County boundaries are real; townships, villages and grids are synthetic.",
            links = new[]
            {
                Link($"{b}?f=json", "self", "application/json", "This document"),
                Link($"{b}?f=html", "alternate", "text/html", "This document as HTML"),
                Link($"{b}/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
                Link($"{b}/conformance", "conformance", "application/json", "Conformance classes"),
                Link($"{b}/collections", "data", "application/json", "The feature collections"),
            },
        };
        return html ? OgcHtml.Page(body.title, OgcHtml.Links(body.links)) : TypedResults.Json(body);
    }

    public static IResult Conformance(HttpContext http)
    {
        var html = WantsHtml(http, out var problem);
        if (problem is not null)
            return problem;
        string[] classes =
        [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        ];
        return html ? OgcHtml.Page("Conformance", OgcHtml.List(classes)) : TypedResults.Json(new { conformsTo = classes });
    }

    private static object Describe(OgcCollection c, string b) => new
    {
        id = c.Id,
        title = c.Title,
        description = c.Description,
        itemType = "feature",
        extent = new { spatial = new { bbox = new[] { new[] { 110.23, 34.58, 114.57, 40.74 } }, crs = OgcCrs.Crs84 } },
        crs = OgcCrs.Supported,
        storageCrs = OgcCrs.Cgcs2000,
        links = new[]
        {
            Link($"{b}/collections/{c.Id}", "self", "application/json", c.Title),
            Link($"{b}/collections/{c.Id}/items?f=json", "items", GeoJson, $"{c.Title} as GeoJSON"),
            Link($"{b}/collections/{c.Id}/items?f=html", "items", "text/html", $"{c.Title} as HTML"),
        },
    };

    public static IResult Collections(HttpContext http)
    {
        var html = WantsHtml(http, out var problem);
        if (problem is not null)
            return problem;
        var b = Base(http);
        var body = new
        {
            links = new[] { Link($"{b}/collections", "self", "application/json", "Collections") },
            collections = OgcCollections.All.Select(c => Describe(c, b)).ToArray(),
        };
        return html
            ? OgcHtml.Page("Collections", OgcHtml.Links(OgcCollections.All.Select(c => Link($"{b}/collections/{c.Id}/items?f=html", "items", "text/html", c.Title))))
            : TypedResults.Json(body);
    }

    public static IResult Collection(string collectionId, HttpContext http)
    {
        var html = WantsHtml(http, out var problem);
        if (problem is not null)
            return problem;
        if (OgcCollections.Find(collectionId) is not { } collection)
            return ApiProblems.NotFound($"There is no collection '{CodeRoute.Truncate(collectionId)}'; see /ogc/collections.");
        return html
            ? OgcHtml.Page(collection.Title, $"<p>{HtmlEncoder.Default.Encode(collection.Description)}</p>" +
                OgcHtml.Links([Link($"{Base(http)}/collections/{collection.Id}/items?f=html", "items", "text/html", "Items")]))
            : TypedResults.Json(Describe(collection, Base(http)));
    }

    public static async Task<IResult> Items(string collectionId, HttpContext http, FeatureStore store, CancellationToken ct)
    {
        var html = WantsHtml(http, out var problem);
        if (problem is not null)
            return problem;
        if (OgcCollections.Find(collectionId) is not { } collection)
            return ApiProblems.NotFound($"There is no collection '{CodeRoute.Truncate(collectionId)}'; see /ogc/collections.");
        var query = http.Request.Query;
        if (!TryInt(query["limit"], DefaultLimit, 1, MaxLimit, "limit", out var limit, out problem)
            || !TryInt(query["offset"], 0, 0, MaxOffset, "offset", out var offset, out problem)
            || !TryCrs(query["crs"], "crs", out var crs, out problem)
            || !TryCrs(query["bbox-crs"], "bbox-crs", out var bboxCrs, out problem)
            || !TryBbox(query["bbox"], bboxCrs, out var bbox, out problem))
            return problem!;

        var featureQuery = new FeatureQuery(bbox, limit, offset, OgcCrs.LatitudeFirst(crs));
        var page = await Fetch(store, collection, featureQuery, ct);
        var b = Base(http);
        if (html)
            return OgcHtml.Items(collection, page, offset, limit, b);

        var self = $"{b}/collections/{collection.Id}/items?{PageQuery(http, offset)}";
        var links = new List<object> { Link(self, "self", GeoJson, "This page") };
        if (offset + page.Features.Count < page.Matched)
            links.Add(Link($"{b}/collections/{collection.Id}/items?{PageQuery(http, offset + limit)}", "next", GeoJson, "Next page"));
        if (offset > 0)
            links.Add(Link($"{b}/collections/{collection.Id}/items?{PageQuery(http, Math.Max(0, offset - limit))}", "prev", GeoJson, "Previous page"));
        return new FeatureCollectionResult(page, links, crs);
    }

    public static async Task<IResult> Item(string collectionId, string featureId, HttpContext http, FeatureStore store, CancellationToken ct)
    {
        var html = WantsHtml(http, out var problem);
        if (problem is not null)
            return problem;
        if (OgcCollections.Find(collectionId) is not { } collection)
            return ApiProblems.NotFound($"There is no collection '{CodeRoute.Truncate(collectionId)}'; see /ogc/collections.");
        if (!TryCrs(http.Request.Query["crs"], "crs", out var crs, out problem))
            return problem!;
        if (!AdminCode.TryParse(featureId, out var code, out _) || code.Level != collection.Level)
            return ApiProblems.NotFound($"There is no feature '{CodeRoute.Truncate(featureId)}' in {collection.Id}.");
        var page = await Fetch(store, collection, new FeatureQuery(null, 1, 0, OgcCrs.LatitudeFirst(crs), code.Value), ct);
        if (page.Features.Count == 0)
            return ApiProblems.NotFound($"There is no feature '{code}' in {collection.Id}.");
        var b = Base(http);
        if (html)
            return OgcHtml.Items(collection, page, 0, 1, b);
        return new FeatureResult(page.Features[0], [
            Link($"{b}/collections/{collection.Id}/items/{code}", "self", GeoJson, "This feature"),
            Link($"{b}/collections/{collection.Id}", "collection", "application/json", collection.Title),
        ], crs);
    }

    private static Task<FeaturePage> Fetch(FeatureStore store, OgcCollection collection, FeatureQuery query, CancellationToken ct) =>
        collection.Level == AdminLevel.Grid ? store.GetGridsAsync(query, ct) : store.GetUnitsAsync(collection.Level, query, ct);

    /// <summary>The request's own query string with a new offset (and f=json), for paging links.</summary>
    private static string PageQuery(HttpContext http, int offset)
    {
        var parts = http.Request.Query.Where(p => p.Key is not ("offset" or "f"))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}")
            .Append($"offset={offset}")
            .Append("f=json");
        return string.Join('&', parts);
    }

    private static bool TryInt(string? text, int fallback, int min, int max, string name, out int value, out ProblemHttpResult? problem)
    {
        problem = null;
        value = fallback;
        if (string.IsNullOrEmpty(text))
            return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
            return true;
        problem = ApiProblems.BadRequest($"{name} must be a whole number from {min} to {max}; got '{CodeRoute.Truncate(text)}'.");
        return false;
    }

    private static bool TryCrs(string? text, string name, out string crs, out ProblemHttpResult? problem)
    {
        problem = null;
        crs = string.IsNullOrEmpty(text) ? OgcCrs.Crs84 : text.Trim('<', '>');
        if (OgcCrs.Supported.Contains(crs))
            return true;
        problem = ApiProblems.BadRequest($"{name} '{CodeRoute.Truncate(text!)}' is not offered; use one of {string.Join(", ", OgcCrs.Supported)}.");
        return false;
    }

    /// <summary>Parses bbox into CGCS2000 lon/lat (axes swapped for latitude-first CRSs); inverted or out-of-range boxes are 400s.</summary>
    private static bool TryBbox(string? text, string bboxCrs, out Envelope? bbox, out ProblemHttpResult? problem)
    {
        bbox = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
            return true;
        var parts = text.Split(',');
        var numbers = new double[parts.Length];
        if (parts.Length != 4 || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) && double.IsFinite(numbers[i])).All(ok => ok))
        {
            problem = ApiProblems.BadRequest("bbox must be four numbers: min x, min y, max x, max y (three-dimensional boxes are not supported).");
            return false;
        }
        var (minLon, minLat, maxLon, maxLat) = OgcCrs.LatitudeFirst(bboxCrs)
            ? (numbers[1], numbers[0], numbers[3], numbers[2])
            : (numbers[0], numbers[1], numbers[2], numbers[3]);
        if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90)
        {
            problem = ApiProblems.BadRequest("bbox is out of range: longitudes lie within ±180 and latitudes within ±90 degrees.");
            return false;
        }
        if (minLon > maxLon || minLat > maxLat)
        {
            problem = ApiProblems.BadRequest("bbox is inverted: the minimum corner must come first (boxes across the antimeridian are not supported).");
            return false;
        }
        bbox = new Envelope(minLon, maxLon, minLat, maxLat);
        return true;
    }

    /// <summary>Writes a GeoJSON FeatureCollection with the OGC paging members; PostGIS already wrote each geometry.</summary>
    private sealed class FeatureCollectionResult(FeaturePage page, IReadOnlyList<object> links, string crs) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = GeoJson;
            http.Response.Headers["Content-Crs"] = $"<{crs}>";
            // The pipe writer buffers without synchronous I/O; flushing every few hundred features streams large pages.
            await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteNumber("numberMatched", page.Matched);
            json.WriteNumber("numberReturned", page.Features.Count);
            json.WriteString("timeStamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WritePropertyName("links");
            JsonSerializer.Serialize(json, links);
            json.WriteStartArray("features");
            for (var i = 0; i < page.Features.Count; i++)
            {
                WriteFeature(json, page.Features[i]);
                if (i % 500 == 499)
                {
                    json.Flush();
                    await http.Response.BodyWriter.FlushAsync();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            await http.Response.BodyWriter.FlushAsync();
        }
    }

    private sealed class FeatureResult(FeatureRow feature, IReadOnlyList<object> links, string crs) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = GeoJson;
            http.Response.Headers["Content-Crs"] = $"<{crs}>";
            await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
            WriteFeature(json, feature, links);
            json.Flush();
            await http.Response.BodyWriter.FlushAsync();
        }
    }

    private static void WriteFeature(Utf8JsonWriter json, FeatureRow feature, IReadOnlyList<object>? links = null)
    {
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteString("id", feature.Id);
        json.WritePropertyName("geometry");
        json.WriteRawValue(feature.GeometryJson, skipInputValidation: true);
        json.WriteStartObject("properties");
        foreach (var (key, value) in feature.Properties)
        {
            json.WritePropertyName(key);
            JsonSerializer.Serialize(json, value);
        }
        json.WriteEndObject();
        if (links is not null)
        {
            json.WritePropertyName("links");
            JsonSerializer.Serialize(json, links);
        }
        json.WriteEndObject();
    }

    internal static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    internal static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    internal static StringBuilder AppendEncoded(this StringBuilder builder, string text) => builder.Append(Encode(text));
}

using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Tiles;
using GridMap.Hosting.Problems;
using GridMap.Store.Accounts;
using GridMap.Store.Tiles;
using GridMap.Tiling.Cache;
using GridMap.Tiling.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GridMap.Tiling.Tiles;

public static class TilesApi
{
    public const string MvtMediaType = "application/vnd.mapbox-vector-tile";

    public static IEndpointRouteBuilder MapTilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tiles/{layer}/{z}/{x}/{file}", GetTile).AddEndpointFilterFactory(LogSlowTiles);
        app.MapGet("/tiles/{layer}.json", GetTileJson);
        app.MapGet("/tiles", ListLayers);
        app.MapGet("/tiles/cache", (TileCache cache) => TypedResults.Ok(cache.Stats()));
        app.MapPost("/tiles/cache/clear", ClearCache);
        return app;
    }

    public static async Task<IResult> GetTile(
        string layer, string z, string x, string file, HttpContext http, TileCache cache, VectorTileStore store,
        PngRendererHolder renderer, InvalidationListener listener, CancellationToken ct)
    {
        if (!TileRequest.TryParse(layer, z, x, file, out var key, out var problem))
            return problem.ToProblem(http.Response);
        if (!await IsReadyAsync(listener, ct))
            return TileProblems.Starting.ToProblem(http.Response);

        var definition = TileLayers.Find(key.Value.Layer)!;
        if (definition.PerAccount)
            return await GetAccountTileAsync(definition, key.Value, http, store, ct);
        if (key.Value.Format == TileFormat.Mvt && !MayHoldFeatures(definition, key.Value.Tile))
            return new TileResult(EmptyTile, true, MvtMediaType);
        var (tile, hit) = await cache.GetOrRenderAsync(key.Value, async token =>
        {
            if (key.Value.Format == TileFormat.Mvt)
                return await store.GetTileAsync(definition, key.Value.Tile, token);
            var (vector, _) = await cache.GetOrRenderAsync(key.Value with { Format = TileFormat.Mvt },
                t => store.GetTileAsync(definition, key.Value.Tile, t), token);
            return renderer.Instance.Render(definition.Name, key.Value.Tile, vector.Data, key.Value.Format == TileFormat.Png2x ? 2 : 1);
        }, ct);
        return new TileResult(tile, hit, key.Value.Format == TileFormat.Mvt ? MvtMediaType : "image/png");
    }

    private static readonly CachedTile EmptyTile = new([]);

    /// <summary>
    /// Logs a tile answered slower than Tiling:SlowTileMilliseconds with what it was (layer, z/x/y, the filter) and for
    /// whom (the caller's area), so the slow ones behind a p99 can be found and drawn again by hand.
    /// </summary>
    private static EndpointFilterDelegate LogSlowTiles(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        // Resolved once for the route, not per tile.
        var limit = context.ApplicationServices.GetRequiredService<IOptions<TilingOptions>>().Value.SlowTileMilliseconds;
        if (limit == 0)
            return next;
        var logger = context.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("GridMap.Tiling.SlowTiles");
        return async invocation =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await next(invocation);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (elapsed > limit)
            {
                var http = invocation.HttpContext;
                logger.LogWarning("Slow tile: {Path}{Query} in {Milliseconds:F0} ms for {Area}", http.Request.Path.Value, http.Request.QueryString.Value,
                    elapsed, http.User.ToCaller()?.Scope.Value ?? "anyone");
            }
            return result;
        };
    }

    /// <summary>
    /// A tile of a per-account layer: drawn for this caller's area and categories, never shared through the cache
    /// (ETag/304 still spare the client the bytes).
    /// </summary>
    private static async Task<IResult> GetAccountTileAsync(TileLayerDefinition definition, TileKey key, HttpContext http, VectorTileStore store, CancellationToken ct)
    {
        if (key.Format != TileFormat.Mvt)
            return TileProblems.Invalid($"Layer {definition.Name} is served as vector tiles (.mvt) only.").ToProblem(http.Response);
        if (http.User.ToCaller() is not { } caller)
            return TileProblems.SignInFirst(definition.Name).ToProblem(http.Response);
        if (definition.RequiredCategory is { } required && !caller.Holds(required))
            return Problem.Forbidden($"Your role does not read {required.Slug()}, which layer {definition.Name} shows.").ToProblem(http.Response);
        IncidentFilter? filter = null;
        if (definition == TileLayers.Incidents && !TryIncidentFilter(http.Request.Query, out filter, out var bad))
            return TileProblems.Invalid(bad!).ToProblem(http.Response);
        var data = MayHoldFeatures(definition, key.Tile) ? await store.GetTileAsync(definition, key.Tile, caller, filter, ct) : [];
        return new TileResult(new CachedTile(data), false, MvtMediaType, perAccount: true);
    }

    /// <summary>
    /// The command centre's filters as the incidents tile URL carries them — ?major=01&amp;open=1&amp;level=4&amp;days=1 — so the
    /// tiles show what the list shows; anything else is a 400 naming the parameter.
    /// </summary>
    internal static bool TryIncidentFilter(IQueryCollection query, out IncidentFilter? filter, out string? problem)
    {
        filter = null;
        string? major = Value(query, "major"), open = Value(query, "open");
        int? level = null, days = null;
        problem = major is not null && (major.Length != 2 || !major.All(char.IsAsciiDigit)) ? "major is a 2-digit category class, e.g. 01."
            : open is not (null or "0" or "1") ? "open is 1 (open events only) or 0."
            : !TryNumber(query, "level", 3, 6, out level) ? "level is the owning level, 3 (county) to 6 (grid)."
            : !TryNumber(query, "days", 1, 366, out days) ? "days is 1 to 366 (reported within the last so many days)."
            : null;
        if (problem is not null)
            return false;
        filter = new IncidentFilter(major, open == "1", level, days is { } d ? DateTimeOffset.UtcNow.AddDays(-d) : null);
        return true;
    }

    private static string? Value(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } text ? text : null;

    /// <summary>An optional whole number in min–max: absent is fine (null), anything else must parse and fit.</summary>
    private static bool TryNumber(IQueryCollection query, string name, int min, int max, out int? value)
    {
        value = null;
        if (Value(query, name) is not { } text)
            return true;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < min || number > max)
            return false;
        value = number;
        return true;
    }

    private static readonly NetTopologySuite.Geometries.Envelope DataExtent3857 = new(
        TileCoordinate.ToWebMercator(TileLayers.DataBounds[0], TileLayers.DataBounds[1]),
        TileCoordinate.ToWebMercator(TileLayers.DataBounds[2], TileLayers.DataBounds[3]));

    /// <summary>
    /// A vector tile below the layer's first zoom, or whose buffered square misses Shanxi, is empty: answered without
    /// a database round trip (PNG tiles still draw their background).
    /// </summary>
    private static bool MayHoldFeatures(TileLayerDefinition layer, TileCoordinate tile) =>
        tile.Z >= layer.MinZoom && tile.Envelope3857(TileLayers.MvtBuffer, TileLayers.MvtExtent).Intersects(DataExtent3857);

    private static async Task<bool> IsReadyAsync(InvalidationListener listener, CancellationToken ct)
    {
        try
        {
            await listener.Started.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public static Results<JsonHttpResult<TileJson>, ProblemHttpResult> GetTileJson(string layer, HttpContext http, IOptions<TilingOptions> options)
    {
        if (TileLayers.Find(layer) is not { } definition)
            return TileProblems.UnknownLayer($"There is no tile layer '{layer}'.").ToProblem(http.Response);
        return TypedResults.Json(TileJson.For(definition, BaseUrl(http, options.Value)), contentType: "application/json");
    }

    public static Ok<object> ListLayers(HttpContext http, IOptions<TilingOptions> options)
    {
        var baseUrl = BaseUrl(http, options.Value);
        return TypedResults.Ok<object>(new
        {
            layers = TileLayers.All.Select(l => new { name = l.Name, description = l.Description, tilejson = $"{baseUrl}/tiles/{l.Name}.json" }),
            style = $"{baseUrl}/styles/default.json",
            crs = $"EPSG:{Srids.WebMercator}",
        });
    }

    /// <summary>Empties the cache; for benchmarks of uncached tiles. Refused unless Tiling:AllowCacheAdmin is set.</summary>
    public static Results<Ok<TileCacheStats>, ProblemHttpResult> ClearCache(TileCache cache, IOptions<TilingOptions> options)
    {
        if (!options.Value.AllowCacheAdmin)
            return Problem.Forbidden("Cache administration is disabled on this instance (Tiling:AllowCacheAdmin).").ToProblem();
        cache.Clear();
        return TypedResults.Ok(cache.Stats());
    }

    internal static string BaseUrl(HttpContext http, TilingOptions options) =>
        string.IsNullOrEmpty(options.PublicUrl) ? $"{http.Request.Scheme}://{http.Request.Host}" : options.PublicUrl.TrimEnd('/');
}

/// <summary>
/// Writes a tile: 204 when empty, 304 when the client's ETag matches, otherwise the bytes (gzip when asked for
/// vector tiles) with ETag, Cache-Control, CORS and whether the cache had it.
/// </summary>
public sealed class TileResult(CachedTile tile, bool hit, string contentType, bool perAccount = false) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<TilingOptions>>().Value;
        var headers = http.Response.Headers;
        headers.CacheControl = perAccount ? "private, max-age=60" : $"public, max-age={options.MaxAgeSeconds}";
        headers.ETag = tile.ETag;
        headers.Vary = perAccount ? "Accept-Encoding, Authorization" : "Accept-Encoding";
        headers["X-Cache"] = hit ? "HIT" : "MISS";
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == tile.ETag || t.Trim() == "*")))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        if (tile.Data.Length == 0)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        http.Response.ContentType = contentType;
        var body = tile.Data;
        if (contentType == TilesApi.MvtMediaType && http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "gzip";
            body = tile.Gzip;
        }
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body);
    }
}

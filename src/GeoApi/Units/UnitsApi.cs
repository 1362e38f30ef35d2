using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Units;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Units;

/// <summary>Admin units from province (code 14) to village, and grids as the last level.</summary>
public static class UnitsApi
{
    public static IEndpointRouteBuilder MapUnitsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units").WithTags("Units");
        group.MapGet("/{code}", GetUnit)
            .WithSummary("A unit with its parent chain, child count, grid, manager and vacancy counts, area and bbox.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{code}/geometry", GetGeometry)
            .WithSummary("The unit's or grid's outline as a GeoJSON Feature (for highlighting).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{code}/children", GetChildren)
            .WithSummary("The unit's children (a village's are its grids), sortable by code, name, grids, vacant or area.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<UnitView>, ProblemHttpResult>> GetUnit(string code, UnitStore units, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(code, out var parsed, out var problem))
            return problem!;
        return await units.GetAsync(parsed, ct) is { } unit
            ? TypedResults.Ok(unit)
            : ApiProblems.NotFound($"No unit or grid has the code {parsed}.");
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetGeometry(string code, UnitStore units, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(code, out var parsed, out var problem))
            return problem!;
        if (await units.GetGeometryJsonAsync(parsed, ct) is not { } geometry)
            return ApiProblems.NotFound($"No unit or grid has the code {parsed}.");
        // The geometry is GeoJSON already (PostGIS wrote it); the code is digits only, safe to place in JSON as is.
        var feature = "{\"type\":\"Feature\",\"id\":\"" + parsed + "\",\"geometry\":" + geometry +
            ",\"properties\":{\"code\":\"" + parsed + "\",\"level\":\"" + parsed.Level.Slug() + "\"}}";
        return TypedResults.Content(feature, Grids.GridsApi.GeoJsonMediaType);
    }

    public sealed record ChildrenPage(string Code, int Count, IReadOnlyList<ChildView> Children);

    /// <summary>Names sort the way a Chinese reader expects (pinyin order), codes compare as digits.</summary>
    private static readonly StringComparer ChineseCollation = StringComparer.Create(new System.Globalization.CultureInfo("zh-CN"), ignoreCase: false);

    private static readonly string[] SortKeys = ["code", "name", "grids", "managers", "vacant", "area", "households"];

    public static async Task<Results<Ok<ChildrenPage>, ProblemHttpResult>> GetChildren(
        string code, UnitStore units, CancellationToken ct, string? sort = null, string? order = null)
    {
        if (!CodeRoute.TryParse(code, out var parsed, out var problem))
            return problem!;
        sort ??= "code";
        if (!SortKeys.Contains(sort))
            return ApiProblems.BadRequest($"sort must be one of {string.Join(", ", SortKeys)}.");
        var descending = order switch
        {
            null or "asc" => false,
            "desc" => true,
            _ => (bool?)null,
        };
        if (descending is null)
            return ApiProblems.BadRequest("order must be asc or desc.");
        if (await units.GetChildrenAsync(parsed, ct) is not { } children)
            return ApiProblems.NotFound($"No unit or grid has the code {parsed}.");

        Func<ChildView, object?> key = sort switch
        {
            "name" => c => c.Name,
            "grids" => c => c.GridCount,
            "managers" => c => c.ManagerCount,
            "vacant" => c => c.VacantCount,
            "area" => c => c.AreaM2,
            "households" => c => c.Households,
            _ => c => c.Code,
        };
        var comparer = Comparer<object?>.Create((a, b) => a is string sa && b is string sb
            ? ChineseCollation.Compare(sa, sb)
            : Comparer<object?>.Default.Compare(a, b));
        var sorted = descending.Value
            ? children.OrderByDescending(key, comparer).ThenBy(c => c.Code, StringComparer.Ordinal)
            : children.OrderBy(key, comparer).ThenBy(c => c.Code, StringComparer.Ordinal);
        return TypedResults.Ok(new ChildrenPage(parsed.Value, children.Count, [.. sorted]));
    }
}

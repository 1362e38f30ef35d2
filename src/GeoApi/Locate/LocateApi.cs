using System.Globalization;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Grids;
using GridMap.Store.Planning;
using GridMap.Store.Units;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Locate;

public static class LocateApi
{
    public static IEndpointRouteBuilder MapLocateApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/locate", Locate).WithTags("Locate")
            .WithSummary("The grid containing a CGCS2000/WGS84 lon/lat and its whole chain; 404 outside Shanxi. With date (yyyy-MM-dd), the grid that contained it at the end of that day (China Standard Time), retired codes included.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record GridSummary(string Code, string Name, bool Vacant, string? ManagerName, double AreaM2, int Households);

    /// <summary><see cref="Date"/> is set for an as-of answer; <see cref="Retired"/> says its grid has since been retired.</summary>
    public sealed record LocateResult(double[] Point, GridSummary Grid, IReadOnlyList<UnitRef> Chain, string? Date = null, bool Retired = false);

    public static async Task<Results<Ok<LocateResult>, ProblemHttpResult>> Locate(string? lon, string? lat, string? date, GridStore grids,
        PlanningStore planning, UnitStore units, CancellationToken ct)
    {
        if (!TryCoordinate(lon, "lon", 180, out var x, out var problem) || !TryCoordinate(lat, "lat", 90, out var y, out problem))
            return problem!;
        if (date is not null)
            return await LocateOnDate(x, y, date, grids, planning, units, ct);
        if (await grids.LocateAsync(x, y, ct) is not { } code || await grids.GetAsync(code, ct) is not { } grid)
            return ApiProblems.NotFound($"No grid contains {x.ToString(CultureInfo.InvariantCulture)}, {y.ToString(CultureInfo.InvariantCulture)}: the point is outside Shanxi.");
        var summary = new GridSummary(grid.Code, grid.Name, grid.Manager is null, grid.Manager?.Name, grid.AreaM2, grid.Households);
        return TypedResults.Ok(new LocateResult([x, y], summary, [.. grid.Chain, new UnitRef(grid.Code, grid.Name, Domain.Codes.AdminLevel.Grid)]));
    }

    /// <summary>From history: the grid as it was on the day (its area then); a retired grid is named by its code, without today's manager or counts.</summary>
    private static async Task<Results<Ok<LocateResult>, ProblemHttpResult>> LocateOnDate(double x, double y, string date, GridStore grids,
        PlanningStore planning, UnitStore units, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return ApiProblems.BadRequest($"date is yyyy-MM-dd, not '{CodeRoute.Truncate(date)}'.");
        var point = $"{x.ToString(CultureInfo.InvariantCulture)}, {y.ToString(CultureInfo.InvariantCulture)}";
        if (await planning.GridOnDateAsync(x, y, day, ct) is not { } then)
            return ApiProblems.NotFound($"No grid contained {point} on {date}.");
        var code = Domain.Codes.AdminCode.Parse(then.Code);
        if (!then.Retired && await grids.GetAsync(code, ct) is { } grid)
            return TypedResults.Ok(new LocateResult([x, y], new GridSummary(grid.Code, grid.Name, grid.Manager is null, grid.Manager?.Name, then.AreaM2, grid.Households),
                [.. grid.Chain, new UnitRef(grid.Code, grid.Name, Domain.Codes.AdminLevel.Grid)], date));
        var name = Domain.Codes.GridCode.DisplayName(code);
        return TypedResults.Ok(new LocateResult([x, y], new GridSummary(then.Code, name, true, null, then.AreaM2, 0),
            [.. await units.GetChainAsync(code, ct), new UnitRef(then.Code, name, Domain.Codes.AdminLevel.Grid)], date, Retired: true));
    }

    private static bool TryCoordinate(string? text, string name, double limit, out double value, out ProblemHttpResult? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            value = 0;
            problem = ApiProblems.BadRequest($"{name} is required (decimal degrees).");
            return false;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            problem = ApiProblems.BadRequest($"{name} must be a decimal number of degrees, not '{CodeRoute.Truncate(text)}'.");
            return false;
        }
        if (Math.Abs(value) > limit)
        {
            problem = ApiProblems.BadRequest($"{name} must lie between -{limit} and {limit} degrees; got {value.ToString(CultureInfo.InvariantCulture)}.");
            return false;
        }
        return true;
    }
}

using System.Globalization;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Grids;
using GridMap.Store.Units;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Locate;

public static class LocateApi
{
    public static IEndpointRouteBuilder MapLocateApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/locate", Locate).WithTags("Locate")
            .WithSummary("The grid containing a CGCS2000/WGS84 lon/lat and its whole chain; 404 outside Shanxi.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record GridSummary(string Code, string Name, bool Vacant, string? ManagerName, double AreaM2, int Households);

    public sealed record LocateResult(double[] Point, GridSummary Grid, IReadOnlyList<UnitRef> Chain);

    public static async Task<Results<Ok<LocateResult>, ProblemHttpResult>> Locate(string? lon, string? lat, GridStore grids, CancellationToken ct)
    {
        if (!TryCoordinate(lon, "lon", 180, out var x, out var problem) || !TryCoordinate(lat, "lat", 90, out var y, out problem))
            return problem!;
        if (await grids.LocateAsync(x, y, ct) is not { } code || await grids.GetAsync(code, ct) is not { } grid)
            return ApiProblems.NotFound($"No grid contains {x.ToString(CultureInfo.InvariantCulture)}, {y.ToString(CultureInfo.InvariantCulture)}: the point is outside Shanxi.");
        var summary = new GridSummary(grid.Code, grid.Name, grid.Manager is null, grid.Manager?.Name, grid.AreaM2, grid.Households);
        return TypedResults.Ok(new LocateResult([x, y], summary, [.. grid.Chain, new UnitRef(grid.Code, grid.Name, Domain.Codes.AdminLevel.Grid)]));
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

using System.Text.Json.Serialization;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Grids;
using GridMap.Store.Residents;
using GridMap.Store.Units;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;

namespace GridMap.GeoApi.Grids;

public static class GridsApi
{
    public const string GeoJsonMediaType = "application/geo+json";

    public static IEndpointRouteBuilder MapGridsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/grids/vacant", GetVacant).WithTags("Grids")
            .WithSummary("Label points of the grids without a manager, optionally within a unit (?within=140428), as GeoJSON.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapGet("/api/grids/{code}", GetGrid).WithTags("Grids")
            .WithSummary("One grid as a GeoJSON Feature: code, village, manager (phone masked) or vacant, area, neighbours.")
            .Produces<GridFeature>(StatusCodes.Status200OK, GeoJsonMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>A GeoJSON Feature (RFC 7946) of one grid.</summary>
    public sealed record GridFeature(
        [property: JsonPropertyOrder(1)] string Id,
        [property: JsonPropertyOrder(2)] double[] Bbox,
        [property: JsonPropertyOrder(3)] Geometry Geometry,
        [property: JsonPropertyOrder(4)] GridProperties Properties)
    {
        [JsonPropertyOrder(0)]
        public string Type => "Feature";
    }

    public sealed record GridProperties(
        string Code,
        string Name,
        int Sequence,
        UnitRef Village,
        IReadOnlyList<UnitRef> Chain,
        bool Vacant,
        GridManagerView? Manager,
        double AreaM2,
        int Households,
        IReadOnlyList<string> Neighbours,
        double[] LabelPoint,
        bool Synthetic)
    {
        /// <summary>Register counts (buildings, households, people living in the grid); aggregates, no personal data.</summary>
        public GridPopulation? Population { get; init; }
    }

    public static async Task<Results<JsonHttpResult<GridFeature>, ProblemHttpResult>> GetGrid(string code, GridStore grids, ResidentStore residents, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(code, out var parsed, out var problem))
            return problem!;
        if (parsed.Level != AdminLevel.Grid)
            return ApiProblems.BadRequest($"{parsed} is a {parsed.Level.Slug()} code; a grid code has 15 digits (use /api/units/{parsed} for units).");
        if (await grids.GetAsync(parsed, ct) is not { } grid)
            return ApiProblems.NotFound($"No grid has the code {parsed}.");
        var feature = ToFeature(grid);
        feature = feature with { Properties = feature.Properties with { Population = await residents.GetGridPopulationAsync(parsed, ct) } };
        return TypedResults.Json(feature, contentType: GeoJsonMediaType);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetVacant(string? within, GridStore grids, CancellationToken ct)
    {
        var unit = AdminCode.Parse("14");
        if (within is not null && !CodeRoute.TryParse(within, out unit, out var problem))
            return problem!;
        return TypedResults.Content(await grids.GetVacantPointsAsync(unit, ct), GeoJsonMediaType);
    }

    public static GridFeature ToFeature(GridView grid)
    {
        var envelope = grid.Geometry.EnvelopeInternal;
        return new GridFeature(
            grid.Code,
            [envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY],
            grid.Geometry,
            new GridProperties(grid.Code, grid.Name, grid.Sequence, grid.Chain[^1], grid.Chain, grid.Manager is null, grid.Manager,
                grid.AreaM2, grid.Households, grid.Neighbours, grid.LabelPoint, Synthetic: true));
    }
}

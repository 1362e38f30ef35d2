using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Divisions;
using GridMap.Store.Planning;
using GridMap.Store.Planning.Exchange;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Features;

namespace GridMap.GeoApi.Planning;

/// <summary>
/// Grids in and out of desktop GIS: a county's, township's or village's grids as GeoJSON, a zipped Shapefile or a
/// GeoPackage, and the check of a village's edited file before it becomes a draft (nothing is written by the check).
/// </summary>
public static class ExchangeApi
{
    /// <summary>The file limit plus room for the multipart envelope.</summary>
    public static readonly long MaxUploadBytes = GridFileLimits.Default.MaxBytes + 1024 * 1024;

    private const int MaxFilesPerUpload = 10;

    /// <summary>
    /// Grid layouts are not personal data, but they are staff material: planners and the administrator, and the
    /// centre staff of a county, township or village for their own area.
    /// </summary>
    private static readonly HashSet<Role> Exporters = [Role.Planner, Role.Admin, Role.CountyStaff, Role.TownshipStaff, Role.VillageStaff];

    public static IEndpointRouteBuilder MapExchangeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/planning").WithTags("Planning").RequireAuthorization();
        group.MapGet("/export", Export)
            .WithSummary("A county's, township's or village's grids as a GIS file: ?unit=140428&format=geojson|shapefile|gpkg (CGCS2000 lon/lat; no personal data).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/villages/{village}/import/check", CheckImport).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
            .WithSummary("Reads an edited GIS file of the village (multipart: GeoJSON, .gpkg, a zipped shapefile or its loose parts) and reports every problem of the file; writes nothing.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/villages/{village}/import", Import).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
            .WithSummary("Makes an edited GIS file of the village your draft (you hold the lock; optional form field draftVersion). A file with problems changes nothing and answers 422 with every problem; a clean one answers the draft with its topology violations and household preview.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Export(
        string? unit, string? format, HttpContext http, GridExportStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (!Exporters.Contains(caller.Role))
            return ApiProblems.Forbidden("Grid files are exported by planners, the administrator and county, township and village centre staff.");
        if (GridExchangeFormats.FromSlug(format) is not { } fileFormat)
            return ApiProblems.BadRequest($"format is one of {string.Join(", ", Enum.GetValues<GridExchangeFormat>().Select(f => f.Slug()))}.");
        if (string.IsNullOrWhiteSpace(unit))
            return ApiProblems.BadRequest("unit is the code of the county, township or village to export, e.g. unit=140428.");
        if (!CodeRoute.TryParse(unit.Trim(), out var code, out var problem))
            return problem!;
        if (code.Level is not (AdminLevel.County or AdminLevel.Township or AdminLevel.Village))
            return ApiProblems.BadRequest($"{code} is a {code.Level.Slug()}: export a county (6 digits), a township (9) or a village (12).");
        if (!caller.Covers(code.Value) || await store.GetUnitNameAsync(code, ct) is not { } name)
            return ApiProblems.NotFound($"No unit {code} in your area.");

        var grids = await store.ListAsync(code, ct: ct);
        // Shapefile and GeoPackage writers need a seekable or real file; a private temporary file serves every format
        // and is deleted when the response has been sent.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"gridmap-export-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await GridExchangeWriter.WriteAsync(grids, fileFormat, $"{name} {code}", file, ct: ct);
            file.Position = 0;
            return TypedResults.File(file, fileFormat.MediaType(), fileFormat.FileName(code.Value));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public static async Task<Results<Ok<GridFileCheck>, ProblemHttpResult>> CheckImport(
        string village, HttpContext http, GridExportStore store, CancellationToken ct)
    {
        var (upload, problem) = await ReadUploadAsync(village, http, store, ct);
        if (upload is null)
            return problem!;
        var (code, import, _) = upload.Value;
        var grids = new FeatureCollection();
        var renumbered = import.Renumbered.ToDictionary(r => r.FeatureIndex, r => r.Code2023);
        foreach (var grid in import.Grids)
            grids.Add(new Feature(grid.Geometry, new AttributesTable
            {
                { "code", grid.Code?.Value },
                { "featureIndex", grid.FeatureIndex },
                { "code2023", renumbered.GetValueOrDefault(grid.FeatureIndex) },
            }));
        return TypedResults.Ok(new GridFileCheck(code.Value, grids, import.Problems, import.Renumbered));
    }

    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> Import(
        string village, HttpContext http, GridExportStore store, PlanningStore planning, CancellationToken ct)
    {
        var (upload, problem) = await ReadUploadAsync(village, http, store, ct);
        if (upload is null)
            return problem!;
        var (code, import, form) = upload.Value;
        // A file with any problem never becomes a draft: the planner fixes the file first, seeing every problem at once.
        if (!import.IsClean)
            return ApiProblems.Unprocessable($"The file has {import.Problems.Count} problem(s); nothing was changed.",
                new Dictionary<string, object?> { ["problems"] = import.Problems });
        var caller = RequestCaller.Get(http);
        int draftVersion;
        if (form["draftVersion"] is { Count: > 0 } given)
        {
            if (!int.TryParse(given[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out draftVersion))
                return ApiProblems.BadRequest("draftVersion is the whole number of the draft version the file replaces.");
        }
        else
        {
            // Without a version the file replaces the planner's own draft as it is now (one draft per planner and village).
            var current = await planning.GetDraftAsync(caller, code, ct);
            if (!current.Succeeded)
                return current.Problem.ToProblem(http.Response);
            draftVersion = current.Value!.DraftVersion;
        }
        var features = import.Grids.Select(g => new DraftFeature(g.Code?.Value, g.Geometry)).ToList();
        return (await planning.ReplaceDraftAsync(caller, code, draftVersion, features, ct)).ToResult(http.Response);
    }

    /// <summary>The village's uploaded file(s), read and checked; or the problem with the request itself.</summary>
    private static async Task<((AdminCode Village, GridFileImport Import, IFormCollection Form)? Upload, ProblemHttpResult? Problem)> ReadUploadAsync(
        string village, HttpContext http, GridExportStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (caller.Role is not (Role.Planner or Role.Admin))
            return (null, ApiProblems.Forbidden("Only planners (and the administrator) import grid files."));
        if (!CodeRoute.TryParse(village, out var code, out var problem))
            return (null, problem!);
        if (code.Level != AdminLevel.Village)
            return (null, ApiProblems.BadRequest($"{code} is a {code.Level.Slug()}: grid files are imported one village (12 digits) at a time."));
        if (!caller.Covers(code.Value) || await store.GetUnitNameAsync(code, ct) is null)
            return (null, ApiProblems.NotFound($"No village {code} in your area."));
        if (!http.Request.HasFormContentType)
            return (null, ApiProblems.BadRequest("Send the file as multipart/form-data (field 'file'; a shapefile's parts as several files)."));

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (InvalidDataException malformed)
        {
            return (null, ApiProblems.BadRequest($"The multipart body cannot be read: {malformed.Message}"));
        }
        if (form.Files.Count == 0)
            return (null, ApiProblems.BadRequest("No file came with the request: send it in a multipart file field."));
        if (form.Files.Count > MaxFilesPerUpload)
            return (null, ApiProblems.BadRequest($"{form.Files.Count} files came; a grid file is one file, or a shapefile's five parts."));

        var files = new List<ExchangeFile>();
        foreach (var upload in form.Files)
        {
            using var content = new MemoryStream((int)Math.Min(upload.Length, MaxUploadBytes));
            await upload.CopyToAsync(content, ct);
            files.Add(new ExchangeFile(upload.FileName, content.ToArray()));
        }
        // A file from a system on the 2023 division codes numbers its grids under the 2023 village code.
        var codes2023 = await http.RequestServices.GetRequiredService<DivisionCodeStore>().Codes2023OfAsync(code.Value, ct);
        return ((code, GridFileReader.Read(files, code, codes2023: codes2023), form), null);
    }
}

/// <summary>The check of an imported file: the grids it holds (code null for new ones), the file's problems, each with
/// where to look, and the grids numbered under a 2023 village code of this village (read as new grids).</summary>
public sealed record GridFileCheck(string Village, FeatureCollection Grids, IReadOnlyList<GridFileProblem> Problems, IReadOnlyList<RenumberedGrid> Renumbered);

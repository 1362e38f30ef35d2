using System.CommandLine;
using GridMap.Domain.Codes;
using GridMap.Store.Database;
using GridMap.Store.Planning.Exchange;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap grids export</c>: the same files as GeoApi's /api/planning/export, written straight from the database.</summary>
internal static class GridsCommands
{
    public static Command Build()
    {
        var grids = new Command("grids", "Grid files for desktop GIS.");
        grids.Subcommands.Add(Export());
        return grids;
    }

    private static Command Export()
    {
        var db = CommonOptions.Database();
        var unit = new Option<string>("--unit") { Description = "County (6 digits), township (9) or village (12) code.", Required = true };
        var format = new Option<string>("--format") { Description = "geojson, shapefile (a zip) or gpkg.", DefaultValueFactory = _ => "gpkg" };
        var output = new Option<string?>("--out") { Description = "File to write (default: grids-<unit>.<extension> here)." };
        var command = new Command("export", "Export the grids under a unit as GeoJSON, a zipped Shapefile or a GeoPackage (CGCS2000 lon/lat, no personal data).")
            { db, unit, format, output };
        command.SetAction(async (result, ct) =>
        {
            if (!AdminCode.TryParse(result.GetValue(unit), out var code, out var error))
                return Fail($"--unit: {error}");
            if (code.Level is not (AdminLevel.County or AdminLevel.Township or AdminLevel.Village))
                return Fail($"--unit: {code} is a {code.Level.Slug()}; export a county, township or village.");
            if (GridExchangeFormats.FromSlug(result.GetValue(format)) is not { } fileFormat)
                return Fail("--format: one of geojson, shapefile, gpkg.");
            var path = result.GetValue(output) ?? fileFormat.FileName(code.Value);

            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-grids-export");
            var store = new GridExportStore(dataSource);
            if (await store.GetUnitNameAsync(code, ct) is not { } name)
                return Fail($"--unit: there is no unit {code}.");
            var printer = new ProgressPrinter();
            var grids = await store.ListAsync(code, ct: ct);
            var partial = path + ".partial";
            await using (var file = File.Create(partial))
                await GridExchangeWriter.WriteAsync(grids, fileFormat, $"{name} {code}", file,
                    new Reported(done => printer.Report(("write", done, grids.Count))), ct);
            File.Move(partial, path, overwrite: true);
            Console.WriteLine($"{grids.Count:N0} grids of {name} ({code}) → {path} ({new FileInfo(path).Length / 1024.0:N0} KB, {fileFormat.Slug()}, CGCS2000)");
            return 0;
        });
        return command;
    }

    /// <summary>Progress reported on the writing thread, so the bar is complete before the summary line (Progress&lt;T&gt; posts later).</summary>
    private sealed class Reported(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}

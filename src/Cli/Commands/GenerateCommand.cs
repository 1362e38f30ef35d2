using System.CommandLine;
using System.Diagnostics;
using GridMap.Domain.Codes;
using GridMap.Store.Boundaries;
using GridMap.Store.Database;
using GridMap.Store.Generation;

namespace GridMap.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic province; the same seed gives the same province.", DefaultValueFactory = _ => 2013 };
        var boundaries = new Option<string?>("--boundaries") { Description = "The data/boundaries folder (default: found upward from here)." };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when this seed and generator version are already loaded." };
        var command = new Command("generate", "Generate the synthetic province (townships, villages, 78,379 grids, managers) and load it in one transaction.")
        {
            db, seed, boundaries, ifMissing,
        };
        command.SetAction(async (result, ct) =>
        {
            var connectionString = CommonOptions.ConnectionString(result, db);
            Migrator.Migrate(connectionString);
            await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-generate");
            var loader = new ProvinceLoader(dataSource);
            var targets = new GenerationTargets { Seed = result.GetValue(seed) };
            if (result.GetValue(ifMissing) && await loader.FindLoadAsync(targets.Seed, ProvinceGenerator.Version, ct) is { } loadedAt)
            {
                Console.WriteLine($"province (seed {targets.Seed}, {ProvinceGenerator.Version}) already loaded at {loadedAt:u}; nothing to do");
                return 0;
            }

            var total = Stopwatch.StartNew();
            var files = BoundaryFiles.Locate(result.GetValue(boundaries));
            Console.WriteLine($"generating the synthetic province from {files.Directory} (seed {targets.Seed}, {Environment.ProcessorCount} cores)");
            var source = DivisionSource.Load(files);
            var progress = new ProgressPrinter();
            var province = new ProvinceGenerator(source, targets).Generate(progress);
            Console.WriteLine($"generated {province.CountUnits(AdminLevel.County)} counties, {province.CountUnits(AdminLevel.Township):N0} townships, " +
                $"{province.CountUnits(AdminLevel.Village):N0} villages, {province.Grids.Count:N0} grids, {province.Managers.Count:N0} managers in {province.Elapsed.TotalSeconds:F1} s");
            var load = await new ProvinceLoader(dataSource).LoadAsync(province, progress, ct);
            Console.WriteLine($"loaded into PostGIS in {load.TotalSeconds:F1} s; total {total.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }
}

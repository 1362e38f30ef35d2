using System.CommandLine;
using System.Diagnostics;
using GridMap.Domain.Codes;
using GridMap.Store.Boundaries;
using GridMap.Store.Database;
using GridMap.Synthetic.Generation;
using GridMap.Synthetic.Population;

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
            var targets = new GenerationTargets { Seed = result.GetValue(seed) };
            if (result.GetValue(ifMissing))
            {
                bool rebuild;
                await using (var probe = CommonOptions.OpenDatabase(result, db, "gridmap-generate", migrate: true))
                {
                    var current = new ProvinceLoader(probe);
                    if (await current.FindLoadAsync(targets.Seed, ProvinceGenerator.Version, ct) is { } loadedAt)
                    {
                        Console.WriteLine($"province (seed {targets.Seed}, {ProvinceGenerator.Version}) already loaded at {loadedAt:u}; nothing to do");
                        return 0;
                    }
                    rebuild = await current.HasEventsOnAnotherLayoutAsync(ct);
                }
                if (rebuild)
                {
                    // A development cluster from an older generator (e.g. the 2023 divisions before province-v3): its
                    // append-only event history points at grids the new layout retires, so it starts afresh.
                    Console.WriteLine($"the loaded province is not {ProvinceGenerator.Version} (the divisions changed) and events were recorded on its grids; " +
                        "event history is append-only, so the database is recreated and everything is loaded again");
                    Migrator.Recreate(CommonOptions.ConnectionString(result, db), Console.WriteLine);
                }
            }
            // With --if-missing the probe (or the rebuild) has migrated already.
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-generate", migrate: !result.GetValue(ifMissing));

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
        command.Subcommands.Add(People());
        command.Subcommands.Add(EventsCommands.GenerateEvents());
        command.Subcommands.Add(DisputesCommands.GenerateDisputes());
        command.Subcommands.Add(CatalogueCommands.GenerateProxy());
        return command;
    }

    /// <summary><c>generate people --county CODE</c>: one county's synthetic buildings, households and people.</summary>
    private static Command People()
    {
        var db = CommonOptions.Database();
        var county = new Option<string>("--county") { Description = "Six-digit code of the county to populate, e.g. 140428 (长子县).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic population; the same seed and county give the same people.", DefaultValueFactory = _ => PopulationGenerator.DefaultSeed };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when this county is already loaded with this seed and generator version." };
        var command = new Command("people", "Generate one county's synthetic buildings, households, people and special groups, replacing its previous population in one transaction.")
        {
            county, seed, ifMissing, db,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-generate", migrate: true);
            var loader = new PopulationLoader(dataSource);
            var (countyCode, seedValue) = (result.GetValue(county)!, result.GetValue(seed));
            if (result.GetValue(ifMissing) && await loader.FindLoadAsync(countyCode, seedValue, PopulationGenerator.Version, ct) is { } loadedAt)
            {
                Console.WriteLine($"population of {countyCode} (seed {seedValue}, {PopulationGenerator.Version}) already loaded at {loadedAt:u}; nothing to do");
                return 0;
            }

            var source = await PopulationSource.LoadAsync(dataSource, countyCode, ct);
            Console.WriteLine($"generating the synthetic population of {countyCode} {source.CountyName} ({source.Grids.Count:N0} grids, seed {seedValue}, {Environment.ProcessorCount} cores)");
            var progress = new ProgressPrinter();
            var population = new PopulationGenerator(source, seedValue).Generate(progress);
            var load = await loader.LoadAsync(population, progress, ct);
            Console.WriteLine(
                $"{population.Buildings.Count:N0} buildings, {population.Houses.Count:N0} houses, {population.Households.Count:N0} households, " +
                $"{population.People.Count:N0} people, {population.SpecialGroups.Count:N0} special-group records; " +
                $"generated in {population.Elapsed.TotalSeconds:F1} s, loaded in {load.Elapsed.TotalSeconds:F1} s; " +
                $"population tables {SignedMegabytes(load.BytesAfter - load.BytesBefore)} MB (now {load.BytesAfter / 1048576.0:F0} MB)" +
                (load.RedrawnIdNumbers > 0 ? $"; {load.RedrawnIdNumbers} ID numbers re-drawn to stay unique" : ""));
            return 0;
        });
        return command;
    }

    private static string SignedMegabytes(long bytes) =>
        (bytes < 0 ? "-" : "+") + (Math.Abs(bytes) / 1048576.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Globalization;
using GridMap.Store.Proxy;
using GridMap.Synthetic.Proxy;

namespace GridMap.Cli.Commands;

/// <summary><c>catalogue load</c>: a county's devolved-service catalogue from a sourced file; <c>generate proxy</c>: its synthetic year of requests.</summary>
internal static class CatalogueCommands
{
    public const string DefaultFile = "data/catalogue/devolved_services.csv";

    public static Command Build()
    {
        var db = CommonOptions.Database();
        var county = new Option<string>("--county") { Description = "Six-digit county code (140428 长子县).", DefaultValueFactory = _ => "140428" };
        var file = new Option<string>("--file") { Description = $"The catalogue file (default {DefaultFile}: every row cited, see data/catalogue/SOURCES.md).", DefaultValueFactory = _ => DefaultFile };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when the county already has a catalogue." };
        var load = new Command("load", "Load a county's devolved-service catalogue (便民服务事项目录) as its next version.") { county, file, ifMissing, db };
        load.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"no catalogue file {path}");
                return 1;
            }
            IReadOnlyList<Domain.Proxy.CatalogueService> services;
            using (var text = File.OpenText(path))
            {
                try
                {
                    services = await CatalogueStore.ReadFileAsync(text, ct);
                }
                catch (FormatException e)
                {
                    Console.Error.WriteLine($"{path}: {e.Message}");
                    return 1;
                }
            }
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-catalogue", migrate: true);
            var code = result.GetValue(county)!;
            var version = await new CatalogueStore(dataSource, TimeProvider.System).PublishAsync(code, services, "cli",
                $"loaded from {Path.GetFileName(path)} ({services.Count} services)", result.GetValue(ifMissing), ct);
            Console.WriteLine(version is { } v
                ? $"catalogue of {code}: version {v} with {services.Count} services ({services.Count(s => s.Level == Domain.Codes.AdminLevel.Township)} township, {services.Count(s => s.Level == Domain.Codes.AdminLevel.Village)} village)"
                : $"catalogue of {code} already loaded; nothing to do");
            return 0;
        });
        return new Command("catalogue", "Counties' devolved-service catalogues.") { load };
    }

    public static Command GenerateProxy()
    {
        var db = CommonOptions.Database();
        var county = new Option<string>("--county") { Description = "Six-digit county code (140428 长子县).", DefaultValueFactory = _ => "140428" };
        var year = new Option<int>("--year") { Description = "The year (up to today when it is this year).", DefaultValueFactory = _ => DateTime.UtcNow.AddHours(8).Year };
        var count = new Option<int>("--count") { Description = "How many requests (default 1,200).", DefaultValueFactory = _ => 1200 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same year.", DefaultValueFactory = _ => 18 };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when the county already has synthetic requests." };
        var command = new Command("proxy", "Generate a county's year of synthetic proxy requests (代办, labelled 合成数据) through the workflow.")
        {
            county, year, count, seed, ifMissing, db,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-generate", migrate: true);
            var generator = new ProxyGenerator(dataSource);
            var code = result.GetValue(county)!;
            if (await generator.ExistsAsync(code, ct))
            {
                if (result.GetValue(ifMissing))
                {
                    Console.WriteLine($"synthetic proxy requests of {code} already loaded; nothing to do");
                    return 0;
                }
                Console.Error.WriteLine($"{code} already has synthetic proxy requests (use --if-missing to skip)");
                return 1;
            }
            var printer = new ProgressPrinter();
            var load = await generator.GenerateAsync(code, result.GetValue(year), result.GetValue(count), result.GetValue(seed),
                new Progress<(int Done, int Of)>(p => printer.Report(("proxy requests", p.Done, p.Of))), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{load.Requests:N0} proxy requests in {code}: {load.Done:N0} done, {load.Refused:N0} refused, {load.Open:N0} open, {load.Late:N0} finished late; {load.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });
        return command;
    }
}

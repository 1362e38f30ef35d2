using System.CommandLine;
using System.Globalization;
using GridMap.Synthetic.Disputes;

namespace GridMap.Cli.Commands;

/// <summary><c>generate disputes</c>: a county's synthetic year of disputes, played through the mediation workflow.</summary>
internal static class DisputesCommands
{
    public static Command GenerateDisputes()
    {
        var db = CommonOptions.Database();
        var county = new Option<string>("--county") { Description = "Six-digit county code (140428 长子县).", DefaultValueFactory = _ => "140428" };
        var year = new Option<int>("--year") { Description = "The year (up to today when it is this year).", DefaultValueFactory = _ => DateTime.UtcNow.AddHours(8).Year };
        var count = new Option<int>("--count") { Description = "How many disputes (default 3,000: about one per grid of 长子县 a year).", DefaultValueFactory = _ => 3000 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same year.", DefaultValueFactory = _ => 18 };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when the county already has synthetic disputes." };
        var command = new Command("disputes", "Generate a county's year of synthetic disputes (矛盾纠纷, labelled 合成数据) through the mediation workflow.")
        {
            county, year, count, seed, ifMissing, db,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-generate", migrate: true);
            var generator = new DisputeGenerator(dataSource);
            var code = result.GetValue(county)!;
            if (await generator.ExistsAsync(code, ct))
            {
                if (result.GetValue(ifMissing))
                {
                    Console.WriteLine($"synthetic disputes of {code} already loaded; nothing to do");
                    return 0;
                }
                Console.Error.WriteLine($"{code} already has synthetic disputes (use --if-missing to skip)");
                return 1;
            }
            var printer = new ProgressPrinter();
            var load = await generator.GenerateAsync(code, result.GetValue(year), result.GetValue(count), result.GetValue(seed),
                new Progress<(int Done, int Of)>(p => printer.Report(("disputes", p.Done, p.Of))), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{load.Disputes:N0} disputes in {code}: {load.Settled:N0} settled, {load.Referred:N0} referred, {load.Open:N0} still open; {load.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using GridMap.Store.Database;
using GridMap.Synthetic.EventHistory;
using GridMap.Store.Kpi;

namespace GridMap.Cli.Commands;

/// <summary><c>generate events</c> (a city's year of event history) and <c>kpi refresh</c>.</summary>
internal static class EventsCommands
{
    /// <summary><c>generate events --city 1407 --year 2013</c>: 晋中市's 2013 history, played through the workflow.</summary>
    public static Command GenerateEvents()
    {
        var db = CommonOptions.Database();
        var city = new Option<string>("--city") { Description = "Four-digit city code (1407 晋中市); the 2013 targets are Jinzhong's.", DefaultValueFactory = _ => "1407" };
        var year = new Option<int>("--year") { Description = "The year of the history (the working calendar holds 2013 and 2026).", DefaultValueFactory = _ => 2013 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same history.", DefaultValueFactory = _ => 2013 };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when this city's year is already loaded." };
        var command = new Command("events", "Generate a city's year of events (338,000 accepted, disposal rate 98.5 %) through the workflow and load them with their hash-chained history.")
        {
            city, year, seed, ifMissing, db,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-generate", migrate: true);
            var loader = new EventHistoryLoader(dataSource);
            var (cityCode, yearValue) = (result.GetValue(city)!, result.GetValue(year));
            if (await loader.FindLoadAsync(cityCode, yearValue, ct) is { } loadedAt)
            {
                if (result.GetValue(ifMissing))
                {
                    Console.WriteLine($"events of {cityCode} in {yearValue} already loaded at {loadedAt:u}; nothing to do");
                    return 0;
                }
                Console.Error.WriteLine($"events of {cityCode} in {yearValue} were loaded at {loadedAt:u}; event history is append-only (use --if-missing to skip)");
                return 1;
            }
            var targets = EventHistoryTargets.Jinzhong2013(result.GetValue(seed)) with { Year = yearValue };
            return await GenerateAsync(dataSource, cityCode, targets, withHistory: true, ct);
        });
        return command;
    }

    public static async Task<int> GenerateAsync(Npgsql.NpgsqlDataSource dataSource, string areaCode, EventHistoryTargets targets, bool withHistory, CancellationToken ct)
    {
        var source = await EventHistorySource.LoadAsync(dataSource, areaCode, ct);
        Console.WriteLine($"generating {targets.Accepted:N0} accepted and {targets.Rejected:N0} rejected events of {targets.Year} in {areaCode} " +
            $"({source.Grids.Count:N0} grids, seed {targets.Seed}, {Environment.ProcessorCount} cores)");
        var progress = new ProgressPrinter();
        var plan = new EventHistoryGenerator(source, targets).Plan(progress);
        var load = await new EventHistoryLoader(dataSource).LoadAsync(plan, areaCode, targets, withHistory, progress, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{load.Events:N0} events ({load.Accepted:N0} accepted, {load.Rejected:N0} rejected), {load.HistoryRows:N0} history rows; registered {load.Registered:N0}, handled {load.Handled:N0}: disposal rate {load.DisposalPercent:F1} %"));
        var redrawn = load.RedrawnTrackingNumbers > 0 ? $"; {load.RedrawnTrackingNumbers} tracking numbers re-drawn" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"planned and simulated in {load.Simulate.TotalSeconds:F1} s, copied in {load.Copy.TotalSeconds:F1} s, KPI rollup in {load.Refresh.TotalSeconds:F1} s; total {load.Total.TotalSeconds:F1} s{redrawn}"));
        return 0;
    }

    /// <summary><c>kpi refresh [--all]</c>: recount the KPI rollup (changed months, or everything).</summary>
    public static Command Kpi()
    {
        var db = CommonOptions.Database();
        var all = new Option<bool>("--all") { Description = "Recount every month of every county, not only what changed since the last refresh." };
        var refresh = new Command("refresh", "Refresh the event KPI rollup from the events.") { all, db };
        refresh.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-kpi", migrate: true);
            var store = new KpiStore(dataSource);
            var done = result.GetValue(all) ? await store.RefreshAllAsync(ct) : await store.RefreshChangedAsync(ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recounted {done.Pairs:N0} county-months over {done.Months} months in {done.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });
        return new Command("kpi", "Event indicators (KPIs).") { refresh };
    }
}

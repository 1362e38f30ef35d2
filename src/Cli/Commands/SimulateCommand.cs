using System.CommandLine;
using System.Globalization;
using GridMap.Synthetic.Simulation;

namespace GridMap.Cli.Commands;

/// <summary>
/// <c>gridmap simulate</c>: a living province through GridMap's public API only. It takes no database option and reads
/// no connection string: the API's address, an administrator's account (to open the simulated people's accounts) and an
/// Open311 key are all it gets.
/// </summary>
internal static class SimulateCommand
{
    public const string PasswordVariable = "GRIDMAP_SIMULATE_PASSWORD";

    public static Command Build()
    {
        var apiUrl = new Option<string>("--api") { Description = "GeoApi's address.", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var area = new Option<string>("--area") { Description = "The unit whose grids report (default: the province, 14).", DefaultValueFactory = _ => "14" };
        var speed = new Option<double>("--speed") { Description = "Simulated time per real time (1 = live; 600 plays a day in 144 s).", DefaultValueFactory = _ => 1 };
        var statePath = new Option<string>("--state") { Description = "The state file it resumes from.", DefaultValueFactory = _ => ".data/simulate.json" };
        var admin = new Option<string>("--admin") { Description = $"The administrator account that opens the simulated people's accounts (password in {PasswordVariable}).", DefaultValueFactory = _ => "admin" };
        var hours = new Option<double?>("--hours") { Description = "Stop after this many simulated hours (default: run until stopped)." };
        var open311 = new Option<string?>("--open311-key") { Description = "An Open311 client key (gridmap open311 key create); default GRIDMAP_SIMULATE_OPEN311_KEY. Without one those reports come by hotline." };
        var demo = new Option<string?>("--demo-grid") { Description = "A grid whose village's events are left to people: a few are kept open there for the demo accounts." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 2026 };
        var command = new Command("simulate", "Report and handle events over an area through the public API, at Jinzhong's rate on the day's curve.")
        {
            apiUrl, area, speed, statePath, admin, hours, open311, demo, seed,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(speed) is not (> 0 and <= 10_000) || result.GetValue(hours) is <= 0)
            {
                Console.Error.WriteLine("--speed is above 0 and at most 10000; --hours is above 0.");
                return 2;
            }
            var password = Environment.GetEnvironmentVariable(PasswordVariable) ?? GridMap.Store.Accounts.DemoAccounts.Password;
            var state = SimulationState.Load(result.GetValue(statePath)!);
            var options = new SimulationOptions
            {
                Area = result.GetValue(area)!,
                Speed = result.GetValue(speed),
                StatePath = result.GetValue(statePath)!,
                SimulatedSpan = result.GetValue(hours) is { } h ? TimeSpan.FromHours(h) : null,
                Open311Key = result.GetValue(open311) ?? Environment.GetEnvironmentVariable("GRIDMAP_SIMULATE_OPEN311_KEY"),
                DemoGrid = result.GetValue(demo),
                Seed = result.GetValue(seed),
            };
            using var http = new HttpClient { BaseAddress = new Uri(result.GetValue(apiUrl)!), Timeout = TimeSpan.FromSeconds(60) };
            var api = new SimulationApi(http, result.GetValue(admin)!, password, state);
            var simulator = new Simulator(api, state, options, TimeProvider.System,
                line => Console.Error.WriteLine($"{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {line}"));
            try
            {
                await simulator.RunAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine(simulator.Progress());
            }
            return 0;
        });
        return command;
    }
}

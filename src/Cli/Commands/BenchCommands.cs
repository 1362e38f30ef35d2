using System.CommandLine;
using GridMap.Cli.Bench;
using GridMap.Domain.People;
using GridMap.Store.Database;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap bench tiles|portal|people|import|intake|kpi|register|simulate|wall|restore|crash</c>: performance figures with their yardsticks (see ./bench.sh, which starts them).</summary>
internal static class BenchCommands
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var url = new Option<string>("--url") { Description = "Tiling service (started with Tiling:AllowCacheAdmin=true).", DefaultValueFactory = _ => "http://127.0.0.1:8082" };
        var samples = new Option<int>("--samples") { Description = "At most this many shuffled tiles per zoom for uncached MVT.", DefaultValueFactory = _ => 20000 };
        var pngSamples = new Option<int>("--png-samples") { Description = "Random z12 tiles for PNG.", DefaultValueFactory = _ => 400 };
        var duration = new Option<int>("--duration") { Description = "Seconds per wrk run.", DefaultValueFactory = _ => 10 };
        var seed = new Option<bool>("--seed") { Description = "Also time seeding grids z0–z14 (about a minute)." };
        var staticDir = new Option<string?>("--static-dir") { Description = "Folder nginx serves, for the static-tile yardstick." };
        var staticUrl = new Option<string?>("--static-url") { Description = "URL of that folder on nginx." };
        var mapserver = new Option<string?>("--mapserver-url") { Description = "MapServer 8 mapserv endpoint (FastCGI behind nginx) with the grids layer." };
        var only = new Option<string?>("--only") { Description = "Run one part: mvt, lowzoom, cached, png or seed." };
        only.AcceptOnlyFromAmong("mvt", "lowzoom", "cached", "png", "seed");
        var tiles = new Command("tiles", "Tile throughput and latency with their yardsticks side by side: raw ST_AsMVT, nginx static, MapServer.")
        {
            db, url, samples, pngSamples, duration, seed, staticDir, staticUrl, mapserver, only,
        };
        tiles.SetAction(async (result, ct) =>
        {
            var connectionString = CommonOptions.ConnectionString(result, db);
            await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-bench");
            using var http = new HttpClient { BaseAddress = new Uri(result.GetValue(url)!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(2) };
            var options = new TileBenchmarkOptions(connectionString, result.GetValue(samples), result.GetValue(pngSamples), result.GetValue(duration), result.GetValue(seed),
                result.GetValue(staticDir), result.GetValue(staticUrl), result.GetValue(mapserver), result.GetValue(only));
            await new TileBenchmark(dataSource, http, options, Console.Out).RunAsync(ct);
            return 0;
        });
        var portalUrl = new Option<string>("--url") { Description = "The map portal.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var geoApiUrl = new Option<string>("--geoapi") { Description = "GeoApi (to choose the drill path).", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var runs = new Option<int>("--runs") { Description = "Fresh browser contexts to time.", DefaultValueFactory = _ => 5 };
        var portal = new Command("portal", "First map paint and drill-step times of the portal in headless Chromium (/usr/bin/chromium).") { portalUrl, geoApiUrl, runs };
        portal.SetAction(async (result, ct) =>
        {
            await new PortalBenchmark(result.GetValue(portalUrl)!.TrimEnd('/'), result.GetValue(geoApiUrl)!, result.GetValue(runs), Console.Out).RunAsync(ct);
            return 0;
        });
        var fieldApi = new Option<string>("--geoapi") { Description = "GeoApi serving the field app at /field.", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var fieldUser = new Option<string>("--username") { Description = "A grid manager's account.", DefaultValueFactory = _ => "gridmanager" };
        var fieldPassword = new Option<string>("--password") { Description = "Its password.", DefaultValueFactory = _ => GridMap.Store.Accounts.DemoAccounts.Password };
        var fieldQueued = new Option<int>("--queued") { Description = "Actions queued offline, then synced.", DefaultValueFactory = _ => 100 };
        var field = new Command("field", "The field app in headless Chromium: first-visit bytes, first visit over 3G, a throttled later start, an offline queue synced.")
            { fieldApi, fieldUser, fieldPassword, fieldQueued };
        field.SetAction(async (result, ct) =>
            await new FieldBenchmark(result.GetValue(fieldApi)!, result.GetValue(fieldUser)!, result.GetValue(fieldPassword)!, result.GetValue(fieldQueued),
                Console.Out).RunAsync(ct));
        var peopleApi = new Option<string>("--geoapi") { Description = "GeoApi.", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var county = new Option<string>("--county") { Description = "County whose population is searched.", DefaultValueFactory = _ => "140428" };
        var queries = new Option<int>("--queries") { Description = "Searches to time (a quarter each: address, building code, name, ID number).", DefaultValueFactory = _ => 2000 };
        var peopleDb = CommonOptions.Database();
        var people = new Command("people", "Locate-search latency (address, building code, name, ID number) through GeoApi over a county.") { peopleDb, peopleApi, county, queries };
        people.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, peopleDb, "gridmap-bench");
            using var http = new HttpClient { BaseAddress = new Uri(result.GetValue(peopleApi)!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(1) };
            await new PeopleBenchmark(dataSource, http, result.GetValue(county)!, result.GetValue(queries), Console.Out).RunAsync(ct);
            return 0;
        });
        var importDb = CommonOptions.Database();
        var rows = new Option<int>("--rows") { Description = "Rows of the synthetic department list.", DefaultValueFactory = _ => 1_000_000 };
        var department = new Option<string>("--department") { Description = "The department whose list is imported.", DefaultValueFactory = _ => Departments.CivilAffairs };
        department.AcceptOnlyFromAmong([.. Departments.All]);
        var import = new Command("import", "Department import of a synthetic list matched against the database's people, run twice (the second must change nothing).")
        {
            importDb, rows, department,
        };
        import.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, importDb, "gridmap-bench");
            return await new ImportBenchmark(dataSource, Console.Out).RunAsync(result.GetValue(rows), result.GetValue(department)!, ct);
        });
        var intakeDb = CommonOptions.Database();
        var intakeApi = new Option<string>("--geoapi") { Description = "A running GeoApi (plain mode).", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var reports = new Option<int?>("--reports") { Description = "Reports to send (default 20000; 10000 with --kill)." };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients.", DefaultValueFactory = _ => 32 };
        var kill = new Option<bool>("--kill") { Description = "Start a GeoApi of its own, kill -9 it at ~30 % of the burst, restart it, and prove nothing was lost or duplicated." };
        var dll = new Option<string?>("--geoapi-dll") { Description = "GeoApi to start with --kill (default: src/GeoApi/bin/Release/net10.0/GridMap.GeoApi.dll)." };
        var port = new Option<int>("--port") { Description = "Port of the GeoApi started with --kill.", DefaultValueFactory = _ => 18091 };
        var intake = new Command("intake", "Event intake over HTTP (Open311 POST): reports/s and latency, or with --kill the crash proof.")
        {
            intakeDb, intakeApi, reports, clients, kill, dll, port,
        };
        intake.SetAction(async (result, ct) =>
        {
            var connectionString = CommonOptions.ConnectionString(result, intakeDb);
            await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-bench");
            var bench = new IntakeBenchmark(dataSource, connectionString, Console.Out);
            if (!result.GetValue(kill))
                return await bench.RunAsync(result.GetValue(intakeApi)!, result.GetValue(reports) ?? 20_000, result.GetValue(clients), ct);
            var geoApiDll = result.GetValue(dll) ?? Path.Combine(RepositoryRoot(), "src", "GeoApi", "bin", "Release", "net10.0", "GridMap.GeoApi.dll");
            if (!File.Exists(geoApiDll))
                throw new InvalidOperationException($"{geoApiDll} is missing: dotnet build src/GeoApi -c Release first.");
            return await bench.RunWithKillAsync(Path.GetFullPath(geoApiDll), result.GetValue(reports) ?? 10_000, result.GetValue(clients), result.GetValue(port), ct);
        });
        var kpiDb = CommonOptions.Database();
        var events = new Option<int>("--events") { Description = "Synthetic events of 2013 over the whole province.", DefaultValueFactory = _ => 4_000_000 };
        var kpiRuns = new Option<int>("--runs") { Description = "Timed runs per unit.", DefaultValueFactory = _ => 100 };
        var kpi = new Command("kpi", $"KPI rollup refresh and report latency over N province-wide events, in a bench database of its own ({KpiBenchmark.BenchDatabase}).")
        {
            kpiDb, events, kpiRuns,
        };
        kpi.SetAction(async (result, ct) =>
            await new KpiBenchmark(CommonOptions.ConnectionString(result, kpiDb), Console.Out).RunAsync(result.GetValue(events), result.GetValue(kpiRuns), ct));
        var registerDb = CommonOptions.Database();
        var registerApi = new Option<string>("--geoapi") { Description = "GeoApi.", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var registerCounty = new Option<string>("--county") { Description = "County whose households are changed (its demo account \"county\" writes).", DefaultValueFactory = _ => "140428" };
        var registerChanges = new Option<int>("--changes") { Description = "Changes to time (8 in 10 verifications, 1 birth, 1 political-status update).", DefaultValueFactory = _ => 20_000 };
        var writers = new Option<int>("--writers") { Description = "Concurrent writers, each with the households of its own grids.", DefaultValueFactory = _ => 32 };
        var registerRate = new Option<double>("--rate")
        {
            Description = "Offered changes/s, open loop (latency counted from when each change is due); 0 (default): closed loop, as fast as answered.",
            DefaultValueFactory = _ => 0,
        };
        var register = new Command("register", "Register write path through GeoApi: changes/s and latency of concurrent writers, durability in PostgreSQL, province freshness lag.")
        {
            registerDb, registerApi, registerCounty, registerChanges, writers, registerRate,
        };
        register.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, registerDb, "gridmap-bench");
            return await new RegisterBenchmark(dataSource, result.GetValue(registerApi)!, result.GetValue(registerCounty)!, result.GetValue(registerChanges),
                result.GetValue(writers), Console.Out, result.GetValue(registerRate)).RunAsync(ct);
        });
        var restore = BuildRestore();
        var crash = BuildCrash();
        var simulate = BuildSimulate();
        var wall = BuildWall();
        return new Command("bench", "Benchmarks (commands, never timed tests).") { tiles, portal, field, people, import, intake, kpi, register, simulate, wall, restore, crash };
    }

    private static Option<string> Url(string name, string description, int port) =>
        new(name) { Description = description, DefaultValueFactory = _ => $"http://127.0.0.1:{port}" };

    private static Command BuildSimulate()
    {
        var api = Url("--geoapi", "GeoApi.", 8081);
        var tilesUrl = Url("--tiles", "The tiling service.", 8082);
        var portalUrl = Url("--portal", "The map portal.", 8080);
        var minutes = new Option<double>("--minutes") { Description = "How long to watch (the simulator runs beside it).", DefaultValueFactory = _ => 10 };
        var unit = new Option<string>("--wall") { Description = "The unit whose wall display is open meanwhile.", DefaultValueFactory = _ => "14" };
        var user = new Option<string>("--username") { Description = "A staff account that may open that wall.", DefaultValueFactory = _ => "province" };
        var command = new Command("simulate", "Every host's request latency (from its /metrics) while gridmap simulate runs and a wall display is open.")
        {
            api, tilesUrl, portalUrl, minutes, unit, user,
        };
        command.SetAction(async (result, ct) =>
        {
            var hosts = new List<(string, string)> { ("GeoApi", result.GetValue(api)!), ("tiling", result.GetValue(tilesUrl)!), ("portal", result.GetValue(portalUrl)!) };
            return await new SimulateBenchmark(hosts, result.GetValue(portalUrl)!.TrimEnd('/'), Console.Out)
                .RunAsync(TimeSpan.FromMinutes(result.GetValue(minutes)), result.GetValue(unit)!, result.GetValue(user)!, GridMap.Store.Accounts.DemoAccounts.Password, ct);
        });
        return command;
    }

    private static Command BuildWall()
    {
        var db = CommonOptions.Database();
        var api = Url("--geoapi", "GeoApi.", 8081);
        var portalUrl = Url("--portal", "The map portal.", 8080);
        var unit = new Option<string>("--unit") { Description = "The wall's unit.", DefaultValueFactory = _ => "14" };
        var open = new Option<int>("--open") { Description = "Open events the unit should hold (topped up through Open311).", DefaultValueFactory = _ => 5000 };
        var runs = new Option<int>("--runs") { Description = "Page loads to time.", DefaultValueFactory = _ => 5 };
        var soak = new Option<double?>("--soak") { Description = "Instead: let the wall run on its own this many minutes, sampling memory every minute." };
        var portalPid = new Option<int?>("--portal-pid") { Description = "The portal's process (its resident memory is sampled in a soak)." };
        var user = new Option<string>("--username") { Description = "A staff account that may open the wall.", DefaultValueFactory = _ => "province" };
        var command = new Command("wall", "The wall display in headless Chromium: first frame and frame rate with N open events, or a memory soak.")
        {
            db, api, portalUrl, unit, open, runs, soak, portalPid, user,
        };
        command.SetAction(async (result, ct) =>
        {
            var bench = new WallBenchmark(result.GetValue(portalUrl)!.TrimEnd('/'), result.GetValue(api)!, result.GetValue(user)!, GridMap.Store.Accounts.DemoAccounts.Password, Console.Out);
            if (result.GetValue(soak) is { } minutes)
                return await bench.RunSoakAsync(result.GetValue(unit)!, TimeSpan.FromMinutes(minutes),
                    result.GetValue(portalPid) ?? throw new InvalidOperationException("--soak needs --portal-pid."), ct);
            var connectionString = CommonOptions.ConnectionString(result, db);
            await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-bench");
            return await bench.RunFramesAsync(dataSource, connectionString, result.GetValue(unit)!, result.GetValue(open), result.GetValue(runs), ct);
        });
        return command;
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GridMap.sln")))
                    return dir.FullName;
        throw new InvalidOperationException("Run from the GridMap working tree, or pass --geoapi-dll.");
    }

    private static Command BuildRestore()
    {
        var db = CommonOptions.Database();
        var api = new Option<string>("--geoapi") { Description = "A running GeoApi whose Open311 intake takes the reports.", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var work = new Option<string>("--work") { Description = "An empty folder for the backup and the restored cluster.", Required = true };
        var clients = new Option<int>("--clients") { Description = "Concurrent reporting clients.", DefaultValueFactory = _ => 8 };
        var before = new Option<int>("--before") { Description = "Seconds of reports after the base backup, before T.", DefaultValueFactory = _ => 10 };
        var after = new Option<int>("--after") { Description = "Seconds of reports after T.", DefaultValueFactory = _ => 10 };
        var port = new Option<int>("--port") { Description = "Port of the restored cluster.", DefaultValueFactory = _ => 55498 };
        var command = new Command("restore", "Point-in-time restore drill: reports acknowledged before T restored, none sent after T.")
        {
            db, api, work, clients, before, after, port,
        };
        command.SetAction(async (result, ct) =>
        {
            var connectionString = CommonOptions.ConnectionString(result, db);
            await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-bench");
            return await new RestoreDrill(dataSource, connectionString, Console.Out).RunAsync(result.GetValue(api)!, Path.GetFullPath(result.GetValue(work)!),
                result.GetValue(clients), result.GetValue(before), result.GetValue(after), result.GetValue(port), ct);
        });
        return command;
    }

    private static Command BuildCrash()
    {
        var db = CommonOptions.Database();
        var api = new Option<string>("--geoapi") { Description = "A running GeoApi.", DefaultValueFactory = _ => "http://127.0.0.1:8081" };
        var tiles = new Option<string>("--tiles") { Description = "A running tiling service.", DefaultValueFactory = _ => "http://127.0.0.1:8082" };
        var pgData = new Option<string>("--pgdata") { Description = "The data folder of the cluster to kill and start again (its postmaster.pid and postmaster.opts).", Required = true };
        var reports = new Option<int>("--reports") { Description = "Reports in the burst.", DefaultValueFactory = _ => 10_000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent reporting clients.", DefaultValueFactory = _ => 32 };
        var down = new Option<int>("--down") { Description = "Seconds the database stays down.", DefaultValueFactory = _ => 10 };
        var standby = new Option<string?>("--standby-pgdata") { Description = "Kill this hot standby under read load instead of the primary under writes." };
        var command = new Command("crash", "Database crash drill: kill -9 of PostgreSQL mid-burst; 503 with Retry-After while down, reconnects, 0 lost, 0 doubled (or a standby killed under reads).")
        {
            db, api, tiles, pgData, reports, clients, down, standby,
        };
        command.SetAction(async (result, ct) =>
        {
            var connectionString = CommonOptions.ConnectionString(result, db);
            await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-bench");
            if (result.GetValue(standby) is { } standbyData)
                return await new CrashDrill(dataSource, connectionString, Console.Out).RunStandbyAsync(result.GetValue(api)!, result.GetValue(tiles)!,
                    Path.GetFullPath(standbyData), result.GetValue(clients), 30, result.GetValue(down), ct);
            return await new CrashDrill(dataSource, connectionString, Console.Out).RunAsync(result.GetValue(api)!, result.GetValue(tiles)!,
                Path.GetFullPath(result.GetValue(pgData)!), result.GetValue(reports), result.GetValue(clients), result.GetValue(down), ct);
        });
        return command;
    }
}

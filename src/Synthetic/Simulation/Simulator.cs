using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Synthetic.EventHistory;
using GridMap.Synthetic.Generation;

namespace GridMap.Synthetic.Simulation;

/// <summary>What to simulate: where, how fast, for how long, and where the state file lives.</summary>
public sealed record SimulationOptions
{
    /// <summary>The unit whose grids report (the province by default).</summary>
    public string Area { get; init; } = "14";

    /// <summary>Simulated time per real time: 1 is live, 600 plays a day in 144 s.</summary>
    public double Speed { get; init; } = 1;

    public string StatePath { get; init; } = ".data/simulate.json";
    public int Seed { get; init; } = 2026;

    /// <summary>Stop after this much simulated time from the clock at start; null runs until cancelled.</summary>
    public TimeSpan? SimulatedSpan { get; init; }

    /// <summary>Where the simulated clock starts on a new state file (now by default).</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>The Open311 client key (from <c>gridmap open311 key create</c>); without one those reports come by hotline.</summary>
    public string? Open311Key { get; init; }

    /// <summary>
    /// A grid whose village's events are left to people: the simulator keeps <see cref="DemoOpen"/> open events there (half
    /// of them in this grid, reported by the grid managers) and takes no step on them, so the demo accounts of the grid,
    /// its village and its township have tasks from the first minute.
    /// </summary>
    public string? DemoGrid { get; init; }

    public int DemoOpen { get; init; } = 8;

    /// <summary>Field rounds (a household verified or a special-group person visited) per reported event.</summary>
    public double FieldRoundsPerEvent { get; init; } = 1.5;
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// New accounts opened per tick (a second of real time) at most, for reporters and field rounds, and as many again for
    /// the people who take the steps: each costs GeoApi two password hashes, and a province at 100× meets thousands of
    /// grid managers and village desks in its first minutes. Someone still without an account waits for a later tick:
    /// their report comes through the county's hotline instead, their step or field round is put off.
    /// </summary>
    public int AccountsPerTick { get; init; } = 6;
    public TimeSpan ProgressEvery { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// <c>gridmap simulate</c>: synthetic grid managers, hotline clerks and an Open311 client report events over an area at
/// Jinzhong's rate on the day's curve, and synthetic centre and department staff take every step of the loop through the
/// workflow API with working-hours delays — some escalated, supervised or sent back for rework. It talks to GridMap only
/// through its HTTP API (<see cref="SimulationApi"/>), with accounts the administrator opens for it (usernames
/// <c>sim-…</c>, names 模拟…, every description marked 〔模拟〕), and resumes from its state file after a restart without
/// doubling anything.
/// </summary>
public sealed class Simulator(SimulationApi api, SimulationState state, SimulationOptions options, TimeProvider time, Action<string> log)
{
    public const string Mark = "〔模拟〕";

    private static readonly string[] Descriptions =
    [
        "路面坑洼影响通行", "垃圾堆放未清运", "邻里因宅基地边界发生争执", "路灯不亮", "占道经营", "饮水管道破裂漏水",
        "独居老人需要上门探视", "楼道堆放杂物存在消防隐患", "河道有漂浮垃圾", "违章搭建", "流浪犬伤人隐患", "噪音扰民",
    ];

    private readonly Dictionary<string, IReadOnlyList<(string Code, double Weight, double[] Point)>> children = [];
    private IReadOnlyList<(string Code, double Weight, bool OnTheSpot)> categories = [];
    private SimulationRates rates = null!;
    private DateTimeOffset lastDemoReport = DateTimeOffset.MinValue;
    // Accounts that may still be opened in this tick, for reporters and field rounds, and apart for the steps' actors:
    // a few desks act on many events, and reporters using up a shared budget starved the loop (a simulated day under load
    // finished nothing).
    private int arrivalBudget = int.MaxValue;
    private int stepBudget = int.MaxValue;

    public SimulationRates Rates => rates;

    /// <summary>Reports sent in this process (a resumed run counts from its restart).</summary>
    public int Reported { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        await PrepareAsync(ct);
        var resumed = state.Clock is not null;
        state.Clock ??= options.Start ?? time.GetUtcNow();
        if (resumed && options.Speed <= 1 && options.Start is null && state.Clock < time.GetUtcNow())
        {
            // Live: the people were not reporting while the simulator was stopped; the gap is not replayed.
            log($"resuming live at now; {Local(state.Clock.Value)} until now is not replayed");
            state.Clock = time.GetUtcNow();
        }
        await CheckAccountsAsync(ct);
        var stopAt = options.SimulatedSpan is { } span ? state.Clock + span : null;
        var wall = time.GetUtcNow();
        var progress = Stopwatch.StartNew();
        log($"simulate {options.Area}: {rates.MeanPerDay:F0} events a day on average ({rates.EventsPerHouseholdYear:F3} per household-year), speed {options.Speed}×, from {Local(state.Clock.Value)}");
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(options.Tick, time, ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var from = state.Clock!.Value;
            var to = from + (now - wall) * options.Speed;
            // A tick that took longer (a loaded machine) opens as many accounts as the ticks it stood for.
            arrivalBudget = stepBudget = (int)Math.Ceiling(options.AccountsPerTick * Math.Max(1.0, (now - wall) / options.Tick));
            wall = now;
            if (stopAt is { } stop && to > stop)
                to = stop;
            await ArrivalsAsync(from, to, ct);
            await DemoDeskAsync(to, ct);
            await StepsAsync(to, ct);
            state.Clock = to;
            state.Save(options.StatePath);
            if (progress.Elapsed >= options.ProgressEvery)
            {
                progress.Restart();
                log(Progress());
            }
            if (stopAt is { } end && to >= end)
                break;
        }
        log(Progress());
    }

    public string Progress() =>
        $"simulated {Local(state.Clock ?? time.GetUtcNow())} · reported {state.NextReport} · steps {state.Actions} · carried {state.Events.Count} · finished {state.Finished.Values.Sum()} · field rounds {state.FieldDone} · refused {state.Refused}";

    private static string Local(DateTimeOffset at) => at.ToOffset(WorkingCalendar.ChinaStandardTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A state file from another database (its accounts refuse their passwords) is started afresh.</summary>
    private async Task CheckAccountsAsync(CancellationToken ct)
    {
        if (state.Passwords.Keys.FirstOrDefault() is not { } someone || await api.SignsInAsync(someone, ct))
            return;
        log($"the accounts in {options.StatePath} are not this GridMap's; starting a new simulation");
        state.Run = new SimulationState().Run;
        state.NextReport = 0;
        state.Actions = 0;
        state.Refused = 0;
        state.DemoFilled = false;
        state.Passwords.Clear();
        state.Events.Clear();
        state.Finished.Clear();
        api.Forget();
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        var list = await api.GetAnonymousAsync("/api/events/categories", ct);
        if (!list.Ok)
            throw new InvalidOperationException($"GridMap's categories could not be read: {list.Describe()}");
        categories = [.. list.Body.EnumerateArray().Select(c => (c.GetProperty("code").GetString()!,
            EventHistoryGenerator.CategoryWeights.GetValueOrDefault(c.GetProperty("code").GetString()!, 5),
            c.GetProperty("minorOnTheSpot").GetBoolean()))];
        var jinzhong = await api.GetAnonymousAsync("/api/units/1407", ct);
        var area = await api.GetAnonymousAsync($"/api/units/{options.Area}", ct);
        if (!jinzhong.Ok || !area.Ok)
            throw new InvalidOperationException($"The units 1407 (Jinzhong) and {options.Area} must exist: {jinzhong.Describe()} / {area.Describe()}");
        rates = new SimulationRates((double)SimulationRates.JinzhongEvents2013 / Households(jinzhong.Body), Households(area.Body), WorkingCalendar.Default);
        if (AdminCode.Parse(options.Area).Level == AdminLevel.Grid)
            throw new InvalidOperationException("--area is a unit above the grid.");
    }

    /// <summary>A unit's households: the population the rate is scaled by (a unit without a register counts 30 a grid, the rural grid's size).</summary>
    private static int Households(JsonElement unit) =>
        unit.TryGetProperty("households", out var h) && h.ValueKind == JsonValueKind.Number && h.GetInt32() > 0 ? h.GetInt32()
        : Math.Max(1, unit.GetProperty("gridCount").GetInt32() * 30);

    private async Task ArrivalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var random = StableRandom.For(options.Seed, $"{state.Run}:{from.UtcTicks}", "arrivals");
        var expected = rates.Expected(from, to);
        var count = SimulationRates.Poisson(expected, random);
        for (var i = 0; i < count; i++)
            await ReportAsync(await PickGridAsync(options.Area, StableRandom.For(options.Seed, $"{state.Run}:{state.NextReport}", "grid"), ct), false, to, ct);
        // Field work on the same daily curve: household verifications and special-group visits by the grid managers.
        var rounds = SimulationRates.Poisson(expected * options.FieldRoundsPerEvent, random);
        for (var i = 0; i < rounds; i++)
            await FieldRoundAsync(await PickGridAsync(options.Area, random, ct), random.NextDouble() < 0.7, to, ct);
    }

    /// <summary>
    /// A grid manager's round in their grid: the household longest unverified is verified on the spot (its row version,
    /// the grid's point), or the special-group person whose visit is due soonest is visited. A grid without a loaded
    /// register has nothing due, and the round ends there.
    /// </summary>
    private async Task FieldRoundAsync((string Grid, double[] Point) grid, bool verify, DateTimeOffset now, CancellationToken ct)
    {
        if (await StaffedAsync(grid.Grid, (int)AdminLevel.Grid, null, step: false, ct) is not { } manager)
            return;
        var key = $"sim-{state.Run}-f{state.FieldRounds}";
        ApiAnswer answer;
        if (verify)
        {
            var due = await api.SendAsync(manager, HttpMethod.Get, $"/api/register/stale-households?area={grid.Grid}&limit=1", null, ct);
            if (!due.Ok || due.Body.ValueKind != JsonValueKind.Array || due.Body.GetArrayLength() == 0)
                return;
            // At the door: the phone's position is the building's (its card, as the grid manager opens it on the way).
            var household = due.Body[0];
            var building = await api.SendAsync(manager, HttpMethod.Get, $"/api/buildings/{household.GetProperty("buildingCode").GetString()}", null, ct);
            var at = building.Ok ? Centre(building.Body.GetProperty("geometry").GetProperty("coordinates")) : grid.Point;
            answer = await api.SendAsync(manager, HttpMethod.Post, $"/api/register/households/{household.GetProperty("householdId").GetInt64()}/verifications", new
            {
                rowVersion = household.GetProperty("rowVersion").GetInt32(),
                lon = at[0],
                lat = at[1],
                idempotencyKey = key,
            }, ct);
        }
        else
        {
            var due = await api.SendAsync(manager, HttpMethod.Get, $"/api/special-groups?area={grid.Grid}&limit=1&purpose={Uri.EscapeDataString("visit list")}", null, ct);
            if (!due.Ok || due.Body.ValueKind != JsonValueKind.Array || due.Body.GetArrayLength() == 0)
                return;
            // Visited today (GeoApi's today: like every write, the visit happens in real time, whatever the simulated clock says).
            answer = await api.SendAsync(manager, HttpMethod.Post, $"/api/special-groups/{due.Body[0].GetProperty("recordId").GetInt64()}/visits",
                new { note = $"{Mark}入户走访，情况稳定" }, ct, key);
        }
        state.FieldRounds++;
        if (answer.Ok)
            state.FieldDone++;
        else
        {
            state.Refused++;
            log($"field round {key} in {grid.Grid} refused: {answer.Describe()}");
        }
    }

    /// <summary>
    /// Keeps the demo desk supplied: filled to the target at once (one report a tick), then one more when people have
    /// finished one, at most one each working half hour.
    /// </summary>
    private async Task DemoDeskAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (options.DemoGrid is not { } grid)
            return;
        var open = state.Events.Values.Count(e => e.Plan.HumanDesk);
        if (open >= options.DemoOpen || (state.DemoFilled && (now - lastDemoReport < TimeSpan.FromMinutes(30) || !WorkingHours(now))))
            return;
        lastDemoReport = now;
        var random = StableRandom.For(options.Seed, $"{state.Run}:{state.NextReport}", "demo");
        var place = random.NextDouble() < 0.5 ? (grid, await PointOfAsync(grid, ct)) : await PickGridAsync(grid[..12], random, ct);
        await ReportAsync(place, true, now, ct);
        state.DemoFilled |= open + 1 >= options.DemoOpen;
    }

    private async Task<double[]> PointOfAsync(string grid, CancellationToken ct) =>
        (await ChildrenAsync(grid[..12], ct)).First(c => c.Code == grid).Point;

    private async Task ReportAsync((string Grid, double[] Point) grid, bool humanDesk, DateTimeOffset now, CancellationToken ct)
    {
        var number = state.NextReport;
        var key = $"sim-{state.Run}-{number}";
        var random = StableRandom.For(options.Seed, key, "report");
        var category = Pick(categories, c => c.Weight, random);
        var county = grid.Grid[..6];
        var description = $"{Mark}{Descriptions[random.Next(Descriptions.Length)]}（{grid.Grid}）";
        var channel = random.NextDouble() switch { < 0.80 => "grid", < 0.92 => "hotline", _ => "open311" };
        if (channel == "open311" && options.Open311Key is null)
            channel = "hotline";
        var gridManager = channel == "grid" ? await StaffedAsync(grid.Grid, (int)AdminLevel.Grid, null, step: false, ct) : null;
        if (channel == "grid" && gridManager is null)
            channel = "hotline";
        var plan = new EventPlan
        {
            HumanDesk = humanDesk,
            OnTheSpot = !humanDesk && channel == "grid" && category.OnTheSpot && random.NextDouble() < 0.40,
            Reject = !humanDesk && random.NextDouble() < 0.012,
            Escalate = random.NextDouble() < 0.04,
            Rework = random.NextDouble() < 0.035,
            Supervise = random.NextDouble() < 0.05,
            Late = random.NextDouble() < 0.03,
        };
        ApiAnswer answer;
        if (channel == "open311")
        {
            answer = await api.PostFormAsync("/open311/v2/requests.json", new Dictionary<string, string>
            {
                ["api_key"] = options.Open311Key!,
                ["service_code"] = category.Code,
                ["lat"] = grid.Point[1].ToString(CultureInfo.InvariantCulture),
                ["long"] = grid.Point[0].ToString(CultureInfo.InvariantCulture),
                ["description"] = description,
            }, key, ct);
            if (answer.Ok)
                answer = await FindOpen311Async(answer.Body[0].GetProperty("service_request_id").GetString()!, grid.Grid, county, now, ct);
        }
        else
        {
            var reporter = gridManager ?? await AccountForAsync(county, (int)AdminLevel.County, null, ct);
            answer = await api.SendAsync(reporter, HttpMethod.Post, "/api/events", new
            {
                category = category.Code,
                description,
                lon = grid.Point[0],
                lat = grid.Point[1],
                channel,
                contactName = channel == "hotline" ? "模拟来电人" : null,
                contactPhone = channel == "hotline" ? $"139{random.Next(0, 100_000_000):D8}" : null,
                idempotencyKey = key,
            }, ct);
        }
        state.NextReport = number + 1;
        Reported++;
        if (!answer.Ok)
        {
            state.Refused++;
            log($"report {key} in {grid.Grid} refused: {answer.Describe()}");
            return;
        }
        var carried = new CarriedEvent { Plan = plan };
        Update(carried, answer.Body);
        carried.NextAt = Later(now, 2, 30, random);
        state.Events[carried.Id] = carried;
    }

    /// <summary>An Open311 answer names the request by its public number: the county's centre finds the event behind it.</summary>
    private async Task<ApiAnswer> FindOpen311Async(string trackingNo, string grid, string county, DateTimeOffset now, CancellationToken ct)
    {
        var desk = await AccountForAsync(county, (int)AdminLevel.County, null, ct);
        var list = await api.SendAsync(desk, HttpMethod.Get, $"/api/events?area={grid}&limit=50", null, ct);
        if (!list.Ok)
            return list;
        foreach (var summary in list.Body.EnumerateArray())
            if (summary.GetProperty("trackingNo").GetString() == trackingNo)
                return await api.SendAsync(desk, HttpMethod.Get, $"/api/events/{summary.GetProperty("id").GetInt64()}", null, ct);
        throw new InvalidOperationException($"Open311 request {trackingNo} is not among grid {grid}'s events at {now:O}.");
    }

    /// <summary>The mean of a GeoJSON geometry's positions (a building's footprint: well inside 100 m of it).</summary>
    private static double[] Centre(JsonElement coordinates)
    {
        var (lon, lat, n) = (0.0, 0.0, 0);
        void Walk(JsonElement e)
        {
            if (e.GetArrayLength() >= 2 && e[0].ValueKind == JsonValueKind.Number)
            {
                (lon, lat, n) = (lon + e[0].GetDouble(), lat + e[1].GetDouble(), n + 1);
                return;
            }
            foreach (var child in e.EnumerateArray())
                Walk(child);
        }
        Walk(coordinates);
        return [lon / Math.Max(1, n), lat / Math.Max(1, n)];
    }

    private async Task StepsAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var carried in state.Events.Values.Where(e => e.NextAt <= now).OrderBy(e => e.NextAt).Take(500).ToList())
            await StepAsync(carried, now, ct);
    }

    private async Task StepAsync(CarriedEvent e, DateTimeOffset now, CancellationToken ct)
    {
        var random = StableRandom.For(options.Seed, $"{state.Run}:{e.Id}:{e.Steps}", "step");
        var eventState = Enum.Parse<EventState>(e.State);
        if (eventState.IsFinished())
        {
            Finish(e);
            return;
        }
        if (e.Plan.HumanDesk)
        {
            // People hold these steps; the simulator only looks in now and then to see whether they have finished it.
            var card = await api.SendAsync(await AccountForAsync(e.County, (int)AdminLevel.County, null, ct), HttpMethod.Get, $"/api/events/{e.Id}", null, ct);
            if (card.Ok)
                Update(e, card.Body);
            if (Enum.Parse<EventState>(e.State).IsFinished())
                Finish(e);
            else
                e.NextAt = now.AddMinutes(30);
            return;
        }
        var owner = await StaffedAsync(e.OwnerUnit, e.OwnerLevel, e.OwnerDepartment, step: true, ct);
        var gridManager = eventState is EventState.FeedbackGiven || (eventState is EventState.Reported && e.Plan.OnTheSpot)
            ? await StaffedAsync(e.Grid, (int)AdminLevel.Grid, null, step: true, ct) : "";
        if (owner is null || gridManager is null)
        {
            // The person who would act has no account yet (see SimulationOptions.AccountsPerTick): a little later.
            e.NextAt = now.AddMinutes(15);
            return;
        }
        var (actor, action, body) = eventState switch
        {
            EventState.Reported when e.Plan.OnTheSpot => (gridManager, "resolveOnTheSpot",
                (object)new { version = e.Version, note = "网格员现场劝导，当场处置" }),
            EventState.Reported when e.Plan.Reject => (owner, "reject", new { version = e.Version, reason = "invalid" }),
            EventState.Reported => (owner, "accept", new { version = e.Version }),
            EventState.Accepted => (owner, "register", new { version = e.Version }),
            EventState.Registered => (owner, "dispatch", DispatchBody(e)),
            EventState.Dispatched or EventState.Rework => (owner, "startHandling", new { version = e.Version }),
            EventState.Handling when e.Plan.Supervise => (await AccountForAsync(e.County, (int)AdminLevel.County, null, ct), "supervise",
                new { version = e.Version, note = "督办：请在时限内办结并反馈" }),
            EventState.Handling when e.Plan.Escalate && e.OwnerDepartment is null && e.OwnerLevel > (int)AdminLevel.County =>
                (owner, "escalate", new { version = e.Version, reason = "超出本级处置能力，请上级协调" }),
            EventState.Handling => (owner, "feedback", new { version = e.Version, note = "已处置完毕" }),
            EventState.FeedbackGiven => (gridManager, "verify",
                new { version = e.Version, passed = !e.Plan.Rework, note = e.Plan.Rework ? "现场核查未处置到位" : "现场核查通过" }),
            EventState.Verifying => (owner, "close", new { version = e.Version }),
            _ => (null, null, null),
        };
        if (actor is null || action is null)
        {
            // A state the plan does not take (suspended, waiting for an approval): left to people.
            e.NextAt = now.AddHours(4);
            return;
        }
        var answer = await api.SendAsync(actor, HttpMethod.Post, $"/api/events/{e.Id}/actions/{action}", body, ct);
        if (answer.Ok)
        {
            state.Actions++;
            e.Steps++;
            switch (action)
            {
                case "supervise": e.Plan.Supervise = false; break;
                case "escalate": e.Plan.Escalate = false; e.Escalated = true; break;
                case "verify": e.Plan.Rework = false; break;
            }
            Update(e, answer.Body);
            e.NextAt = Next(e, now, random);
        }
        else if (answer.Status == System.Net.HttpStatusCode.Conflict)
        {
            // Someone (or this simulator before a restart) moved it on: read where it stands and go on from there.
            var card = await api.SendAsync(actor, HttpMethod.Get, $"/api/events/{e.Id}", null, ct);
            if (card.Ok)
                Update(e, card.Body);
            e.NextAt = now;
        }
        else
        {
            state.Refused++;
            log($"event {e.Id}: {action} as {actor} refused: {answer.Describe()}");
            state.Events.Remove(e.Id);
        }
    }

    private void Finish(CarriedEvent e)
    {
        state.Finished[e.State] = state.Finished.GetValueOrDefault(e.State) + 1;
        state.Events.Remove(e.Id);
    }

    /// <summary>Dispatch where the catalogue says; an escalated event is handled by the centre it was escalated to.</summary>
    private static object DispatchBody(CarriedEvent e) =>
        e.Escalated ? new { version = e.Version, level = ((AdminLevel)e.OwnerLevel).ToString().ToLowerInvariant() }
        : e.RouteDepartment is { } department ? new { version = e.Version, department }
        : new { version = e.Version, level = ((AdminLevel)Math.Max(e.RouteLevel, (int)AdminLevel.County)).ToString().ToLowerInvariant() };

    /// <summary>When the next step is taken: minutes for the desk's steps, hours to days for handling; a late plan runs past the deadline.</summary>
    private static DateTimeOffset Next(CarriedEvent e, DateTimeOffset now, Random random) => Enum.Parse<EventState>(e.State) switch
    {
        EventState.Accepted => Later(now, 1, 15, random),
        EventState.Registered => Later(now, 1, 20, random),
        EventState.Dispatched or EventState.Rework => Later(now, 15, 240, random),
        EventState.Handling when e.Plan.Supervise => Later(now, 60, 600, random),
        EventState.Handling when e.Plan.Late && e.Due is { } due => Later(due > now ? due : now, 60, 3 * 24 * 60, random),
        EventState.Handling => Later(now, 120, 3 * 24 * 60, random),
        EventState.FeedbackGiven => Later(now, 30, 360, random),
        EventState.Verifying => Later(now, 5, 60, random),
        _ => Later(now, 1, 30, random),
    };

    /// <summary>A time some minutes on, moved into the working day (08:00–18:00 China time) when it falls outside.</summary>
    private static DateTimeOffset Later(DateTimeOffset from, int minMinutes, int maxMinutes, Random random)
    {
        var at = from.AddMinutes(minMinutes + random.NextDouble() * (maxMinutes - minMinutes));
        var local = at.ToOffset(WorkingCalendar.ChinaStandardTime);
        if (local.Hour < 8)
            return new DateTimeOffset(local.Date.AddHours(8), local.Offset).AddMinutes(random.Next(60));
        if (local.Hour >= 18)
            return new DateTimeOffset(local.Date.AddDays(1).AddHours(8), local.Offset).AddMinutes(random.Next(60));
        return at;
    }

    private static bool WorkingHours(DateTimeOffset at) => at.ToOffset(WorkingCalendar.ChinaStandardTime).Hour is >= 8 and < 18;

    private static void Update(CarriedEvent e, JsonElement card)
    {
        e.Id = card.GetProperty("id").GetInt64();
        e.Version = card.GetProperty("version").GetInt32();
        e.State = card.GetProperty("state").GetString()!;
        e.Grid = card.GetProperty("grid").GetString()!;
        e.County = card.GetProperty("county").GetString()!;
        var owner = card.GetProperty("owner");
        e.OwnerUnit = owner.GetProperty("unit").GetString()!;
        e.OwnerLevel = owner.GetProperty("level").GetInt32();
        e.OwnerDepartment = owner.TryGetProperty("department", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        e.Due = card.TryGetProperty("due", out var due) && due.ValueKind == JsonValueKind.String ? due.GetDateTimeOffset() : null;
        var routing = card.GetProperty("routing");
        e.RouteLevel = routing.GetProperty("competentLevel").GetInt32();
        e.RouteDepartment = routing.TryGetProperty("department", out var rd) && rd.ValueKind == JsonValueKind.String ? rd.GetString() : null;
    }

    /// <summary>
    /// The simulated person for the unit if their account is open, or opened now while this tick's budget lasts
    /// (<see cref="SimulationOptions.AccountsPerTick"/>, one budget for arrivals and one for <paramref name="step"/>s);
    /// null when they must wait for a later tick.
    /// </summary>
    private async Task<string?> StaffedAsync(string unit, int level, string? department, bool step, CancellationToken ct)
    {
        var username = Person(unit, level, department).Username;
        if (api.HasAccount(username))
            return username;
        ref var budget = ref step ? ref stepBudget : ref arrivalBudget;
        if (budget <= 0)
            return null;
        budget--;
        return await AccountForAsync(unit, level, department, ct);
    }

    /// <summary>The simulated person who acts for a step's owner; their account is opened the first time they are needed.</summary>
    private async Task<string> AccountForAsync(string unit, int level, string? department, CancellationToken ct)
    {
        var (username, role, name) = Person(unit, level, department);
        if (await api.EnsureAccountAsync(username, name, role, unit, department, ct))
            state.Save(options.StatePath);
        return username;
    }

    private static (string Username, string Role, string Name) Person(string unit, int level, string? department) =>
        department is not null
            ? ($"{SimulationApi.Prefix}d-{unit}-{department}", "department_officer", $"模拟 {department} 科员 {unit}")
            : (AdminLevel)level switch
            {
                AdminLevel.Grid => ($"{SimulationApi.Prefix}g-{unit}", "grid_manager", $"模拟 网格员 {unit}"),
                AdminLevel.Village => ($"{SimulationApi.Prefix}v-{unit}", "village_staff", $"模拟 村服务站 {unit}"),
                AdminLevel.Township => ($"{SimulationApi.Prefix}t-{unit}", "township_staff", $"模拟 乡镇中心 {unit}"),
                AdminLevel.County => ($"{SimulationApi.Prefix}c-{unit}", "county_staff", $"模拟 县中心 {unit}"),
                _ => throw new InvalidOperationException($"No simulated person acts for a {(AdminLevel)level} unit ({unit})."),
            };

    /// <summary>A grid of the unit, drawn level by level in proportion to grids (a grid's point is its label point, inside it).</summary>
    private async Task<(string Grid, double[] Point)> PickGridAsync(string unit, Random random, CancellationToken ct)
    {
        var code = unit;
        double[] point = [];
        while (code.Length < 15)
        {
            var chosen = Pick(await ChildrenAsync(code, ct), c => c.Weight, random);
            code = chosen.Code;
            point = chosen.Point;
        }
        return (code, point);
    }

    /// <summary>A unit's children with their grid counts and label points, read once from <c>/api/units/{code}/children</c>.</summary>
    private async Task<IReadOnlyList<(string Code, double Weight, double[] Point)>> ChildrenAsync(string code, CancellationToken ct)
    {
        if (children.TryGetValue(code, out var list))
            return list;
        var page = await api.GetAnonymousAsync($"/api/units/{code}/children", ct);
        if (!page.Ok)
            throw new InvalidOperationException($"The children of {code} could not be read: {page.Describe()}");
        list = [.. page.Body.GetProperty("children").EnumerateArray()
            .Select(c => (c.GetProperty("code").GetString()!, c.GetProperty("code").GetString()!.Length == 15 ? 1.0 : c.GetProperty("gridCount").GetInt32(),
                c.GetProperty("labelPoint").EnumerateArray().Select(v => v.GetDouble()).ToArray()))
            .Where(c => c.Item2 > 0)];
        if (list.Count == 0)
            throw new InvalidOperationException($"{code} has no grids to report from.");
        return children[code] = list;
    }

    private static T Pick<T>(IReadOnlyList<T> items, Func<T, double> weight, Random random)
    {
        var total = items.Sum(weight);
        var target = random.NextDouble() * total;
        foreach (var item in items)
        {
            target -= weight(item);
            if (target < 0)
                return item;
        }
        return items[^1];
    }
}

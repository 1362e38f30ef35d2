using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Domain.Events;
using GridMap.Store.Open311;
using GridMap.Synthetic.Simulation;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// <c>gridmap simulate</c> (issue 19): a simulated day of 长子县 at 600× through GeoApi's public endpoints only — the
/// simulator is handed an HTTP client and nothing else — reports about what Jinzhong's rate implies, takes events round
/// the loop with intact history chains, and resumes from its state file without doubling a report.
/// </summary>
public sealed class SimulatorTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>, IDisposable
{
    private const string County = "140428";
    private readonly string statePath = Path.Combine(Path.GetTempPath(), $"gridmap-simulate-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(statePath);

    [Fact]
    public async Task A_simulated_day_reports_at_the_expected_rate_through_the_api_and_every_history_chain_verifies()
    {
        var key = await new Open311Store(api.Population.DataSource, TimeProvider.System).CreateKeyAsync("simulator");
        // A working Tuesday from midnight, China time.
        var start = new DateTimeOffset(2026, 12, 8, 0, 0, 0, WorkingCalendar.ChinaStandardTime);
        var options = new SimulationOptions { Area = County, Speed = 600, StatePath = statePath, Start = start, SimulatedSpan = TimeSpan.FromHours(12), Open311Key = key };
        var log = new List<string>();

        // Half the day, then a crash that loses the last two reports' records: the restart sends them again with the same keys.
        var first = await RunAsync(options, SimulationState.Load(statePath), log);
        var expectedFirst = first.Rates.Expected(start, start.AddHours(12));
        var crashed = SimulationState.Load(statePath);
        Assert.True(crashed.NextReport >= 2, $"only {crashed.NextReport} reports in the morning");
        var lost = crashed.Events.Values.OrderByDescending(e => e.Id).Take(2).Select(e => e.Id).ToList();
        foreach (var id in lost)
            crashed.Events.Remove(id);
        crashed.NextReport -= 2;
        crashed.Save(statePath);

        var second = await RunAsync(options, SimulationState.Load(statePath), log);
        var state = SimulationState.Load(statePath);
        var expected = first.Rates.Expected(start, start.AddHours(24));
        Assert.True(Math.Abs(state.NextReport - expected) <= 4 * Math.Sqrt(expected) + 2,
            $"{state.NextReport} reports in a simulated day where {expected:F1} are expected ({expectedFirst:F1} by noon)");
        Assert.True(state.Refused == 0, string.Join("\n", log.Where(line => line.Contains(" refused:", StringComparison.Ordinal))));

        // Every report is one event: the two sent again were not doubled.
        using var county = await api.ClientAsAsync("county");
        var events = await county.GetFromJsonAsync<JsonElement>($"/api/events?area={County}&since={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}&limit=5000");
        var cards = new List<JsonElement>();
        foreach (var e in events.EnumerateArray())
            cards.Add(await county.GetFromJsonAsync<JsonElement>($"/api/events/{e.GetProperty("id").GetInt64()}"));
        var simulated = cards.Where(c => c.GetProperty("description").GetString()!.StartsWith(Simulator.Mark, StringComparison.Ordinal)).ToList();
        Assert.Equal(state.NextReport, simulated.Count);
        Assert.All(lost, id => Assert.Contains(simulated, e => e.GetProperty("id").GetInt64() == id));

        // The loop ran: some finished, steps were taken, reports came by the grid managers and the hotline.
        Assert.True(state.Finished.Values.Sum() > 0, "nothing finished in a simulated day");
        Assert.True(state.Actions >= state.NextReport, $"{state.Actions} steps for {state.NextReport} reports");
        var channels = simulated.Select(e => e.GetProperty("channel").GetString()).ToHashSet();
        Assert.Contains("grid", channels);
        Assert.Contains("hotline", channels);
        Assert.All(simulated, e => Assert.True(e.GetProperty("chainIntact").GetBoolean(), $"event {e.GetProperty("id")}'s chain"));
        // Marked as synthetic: the simulated people's accounts are sim-… (an Open311 report has the client as its reporter).
        Assert.All(simulated.Where(e => e.GetProperty("channel").GetString() != "open311"),
            e => Assert.StartsWith(SimulationApi.Prefix, e.GetProperty("reporter").GetString()));
        Assert.True(second.Reported >= 2);
    }

    [Fact]
    public async Task Grid_managers_verify_households_and_visit_special_groups_through_the_register_and_people_apis()
    {
        // The test population's village, with many rounds per event so that a working morning holds dozens of them.
        var start = new DateTimeOffset(2026, 12, 8, 8, 0, 0, WorkingCalendar.ChinaStandardTime);
        var options = new SimulationOptions
        {
            Area = "140428203211", Speed = 3600, StatePath = statePath, Start = start, SimulatedSpan = TimeSpan.FromHours(4), FieldRoundsPerEvent = 400,
        };
        var log = new List<string>();
        const string Records = "SELECT (SELECT count(*) FROM visit WHERE visitor LIKE 'sim-g-%') + (SELECT count(*) FROM register_change WHERE actor LIKE 'sim-g-%')";
        var before = await api.Population.ScalarAsync<long>(Records);
        await RunAsync(options, SimulationState.Load(statePath), log);
        var state = SimulationState.Load(statePath);
        Assert.True(state.Refused == 0, string.Join("\n", log.Where(line => line.Contains(" refused:", StringComparison.Ordinal))));
        Assert.True(state.FieldDone > 0, $"no household verified and nobody visited in {state.FieldRounds} rounds");
        // Each round left exactly one record, by a simulated grid manager: a visit or a verification in the register's history.
        Assert.Equal(state.FieldDone, await api.Population.ScalarAsync<long>(Records) - before);
    }

    [Fact]
    public async Task Without_accounts_to_spare_grid_reports_come_by_the_county_hotline_and_steps_wait_rather_than_stall()
    {
        // No new accounts a tick: only the county's hotline clerk, whom a report cannot do without, is opened.
        var start = new DateTimeOffset(2026, 12, 8, 9, 0, 0, WorkingCalendar.ChinaStandardTime);
        var options = new SimulationOptions
        {
            Area = County, Speed = 3600, StatePath = statePath, Start = start, SimulatedSpan = TimeSpan.FromHours(3), AccountsPerTick = 0, FieldRoundsPerEvent = 1,
        };
        var log = new List<string>();
        await RunAsync(options, SimulationState.Load(statePath), log);
        var state = SimulationState.Load(statePath);
        Assert.True(state.Refused == 0, string.Join("\n", log.Where(line => line.Contains(" refused:", StringComparison.Ordinal))));
        Assert.True(state.NextReport > 0, "nothing reported in a working morning of the county");
        Assert.Equal(["sim-c-140428"], state.Passwords.Keys.Order().ToArray());
        Assert.Equal(0, state.FieldRounds);
    }

    private async Task<Simulator> RunAsync(SimulationOptions options, SimulationState state, List<string> log)
    {
        var client = api.Factory.CreateClient();
        var simulator = new Simulator(new SimulationApi(client, "admin", GridMap.Store.Accounts.DemoAccounts.Password, state), state, options,
            TimeProvider.System, line => { lock (log) log.Add(line); });
        await simulator.RunAsync(CancellationToken.None);
        return simulator;
    }
}

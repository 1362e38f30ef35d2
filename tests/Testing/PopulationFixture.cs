using GridMap.Domain.People;
using GridMap.Store.Accounts;
using GridMap.Store.Database;
using Npgsql;
using Xunit;

namespace GridMap.Testing;

/// <summary>
/// A database of its own (a copy of the generated province) with the demo accounts and a small, known population:
/// one building in each of six places at growing distance from the demo grid manager's grid 140428203211006 —
/// A that grid, B the neighbouring grid, V another village of the township, T another township, D another county
/// of the city, E another city (小店区, the urban demo grid). Each building has a household whose head is a low-income (低保) case; building A
/// also has a spouse with a severe mental disorder, a child in community correction and a grandparent in no group.
/// Codes use building sequence 90001 and birth dates in 1901, clear of the generated population.
/// </summary>
public sealed class PopulationFixture : IAsyncLifetime
{
    public static readonly string[] Places = ["A", "B", "V", "T", "D", "E"];

    private OwnDatabase? database;

    public string ConnectionString => database!.ConnectionString;
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Building code by place.</summary>
    public Dictionary<string, string> Buildings { get; } = [];

    /// <summary>Person id by name: "A-head", "A-spouse", "A-child", "A-grandparent", "B-head", …</summary>
    public Dictionary<string, long> People { get; } = [];

    /// <summary>Special-group record id by "A-head/low_income", "A-spouse/mental_health", "A-child/community_correction", "B-head/low_income" …</summary>
    public Dictionary<string, long> Records { get; } = [];

    /// <summary>The address fragment unique to each place's building.</summary>
    public static string AddressFragment(string place) => $"测试巷{place}九号";

    public async Task InitializeAsync()
    {
        database = await TestDatabases.CreateAsync("population", withProvince: true);
        DataSource = GridMapDataSource.Create(database.ConnectionString, "gridmap-tests");
        await DemoAccounts.EnsureAsync(new AccountStore(DataSource));

        var grids = new Dictionary<string, string>
        {
            ["A"] = DemoAccounts.GridManagerGrid,
            ["B"] = DemoAccounts.NeighbourGrid,
            ["V"] = await FirstGridAsync("left(code, 9) = '140428203' AND left(code, 12) <> '140428203211'"),
            ["T"] = await FirstGridAsync("left(code, 6) = '140428' AND left(code, 9) <> '140428203'"),
            ["D"] = await FirstGridAsync("left(code, 4) = '1404' AND left(code, 6) <> '140428'"),
            ["E"] = DemoAccounts.UrbanGrid,
        };
        var sequence = 0;
        foreach (var place in Places)
        {
            var grid = grids[place];
            var code = grid + "90001";
            Buildings[place] = code;
            var houseId = await ScalarAsync<long>("""
                WITH b AS (
                    INSERT INTO building (code, grid_code, seq, geom, road, house_number, address, building_use, floors, synthetic)
                    SELECT $1, g.code, 90001, ST_Buffer(g.label_point, 0.0001, 'quad_segs=1'), '测试巷', '9',
                           '山西省测试地址' || $2, 'residential', 1, true
                    FROM grid g WHERE g.code = $3
                    RETURNING id)
                INSERT INTO house (building_id, unit_no, room) SELECT id, 1, '院' FROM b RETURNING id
                """, code, AddressFragment(place), grid);
            var householdId = await ScalarAsync<long>(
                "INSERT INTO household (register_number, household_type, house_id, grid_code) VALUES ($1, 'registered', $2, $3) RETURNING id",
                "GMTEST" + place, houseId, grid);
            var members = place == "A"
                ? new[] { ("head", "low_income"), ("spouse", "mental_health"), ("child", "community_correction"), ("grandparent", (string?)null) }
                : [("head", "low_income")];
            foreach (var (relation, group) in members)
            {
                sequence++;
                var female = relation is "spouse" or "grandparent";
                var id = IdNumber.Create("140428", new DateOnly(1901, 1, 1).AddDays(sequence), female ? sequence * 2 % 1000 : (sequence * 2 + 1) % 1000);
                var personId = await ScalarAsync<long>("""
                    INSERT INTO person (id_number, name, sex, birth_date, phone, register_type, grid_code, synthetic)
                    VALUES ($1, $2, $3, $4, $5, 'registered', $6, true) RETURNING id
                    """, id.Value, $"测试{place}{relation}", female ? "F" : "M", id.BirthDate, $"1390000{sequence:D4}", grid);
                await ScalarAsync<int>("INSERT INTO household_member (household_id, person_id, relation, moved_in) VALUES ($1, $2, $3, '2000-01-01') RETURNING 1",
                    householdId, personId, relation);
                People[$"{place}-{relation}"] = personId;
                if (group is null)
                    continue;
                var kind = SpecialGroup.Find(group)!;
                Records[$"{place}-{relation}/{group}"] = await ScalarAsync<long>("""
                    INSERT INTO special_group (person_id, group_code, department, risk_level, registered_on, visit_cadence_days, next_visit_due, source)
                    VALUES ($1, $2, $3, 1, '2020-01-01', $4, '2026-01-01', 'test') RETURNING id
                    """, personId, group, kind.Department, (short)kind.VisitCadenceDays);
            }
        }
        // Freshness rows for the grids the fixture wrote households into, as a population load makes them.
        await ScalarAsync<int>("SELECT refresh_grid_freshness(array_agg(DISTINCT grid_code)) FROM household");
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }

    public Task<T> ScalarAsync<T>(string sql, params object[] parameters) => DataSource.ScalarAsync<T>(sql, parameters);

    private Task<string> FirstGridAsync(string where) => ScalarAsync<string>($"SELECT min(code) FROM grid WHERE {where}");
}

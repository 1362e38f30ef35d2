using GridMap.Domain.People;
using GridMap.Store.Database;
using GridMap.Synthetic.Population;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Synthetic.Tests;

/// <summary>长子县's synthetic population as the shared province holds it: geometry, registers, ID numbers and rates.</summary>
public class PopulationGeneratorTests(ProvinceFixture province) : IClassFixture<ProvinceFixture>
{
    private const string County = TestDatabases.PopulationCounty;

    [Fact]
    public async Task Every_grid_has_buildings_and_exactly_its_households()
    {
        Assert.Equal(3_500L, await province.ScalarAsync<long>("SELECT count(*) FROM grid WHERE starts_with(code, $1)", County));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM grid g WHERE starts_with(g.code, $1) AND NOT EXISTS (SELECT 1 FROM building b WHERE b.grid_code = g.code)", County));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM grid g WHERE starts_with(g.code, $1) AND g.households <> (SELECT count(*) FROM household h WHERE h.grid_code = g.code)", County));
        Assert.Equal(
            await province.ScalarAsync<long>("SELECT sum(households) FROM grid WHERE starts_with(code, $1)", County),
            await province.ScalarAsync<long>("SELECT count(*) FROM household"));
        // Every household lives in a house of a building of its own grid.
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM household h JOIN house o ON o.id = h.house_id JOIN building b ON b.id = o.building_id WHERE b.grid_code <> h.grid_code"));
    }

    [Fact]
    public async Task Every_building_is_a_valid_polygon_inside_its_grid()
    {
        Assert.True(await province.ScalarAsync<long>("SELECT count(*) FROM building") > 80_000);
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM building b JOIN grid g ON g.code = b.grid_code WHERE NOT ST_IsValid(b.geom) OR NOT ST_CoveredBy(b.geom, g.geom)"));
        // Courtyards are 15–20 m by 18–24 m (smaller where a grid is crowded), never slivers nor blocks of a hectare.
        var (smallest, largest) = await MinMax("SELECT min(ST_Area(geom::geography)), max(ST_Area(geom::geography)) FROM building WHERE floors = 1 AND building_use = 'residential'");
        Assert.InRange(smallest, 100, 400);
        Assert.InRange(largest, 250, 480);
    }

    [Fact]
    public async Task No_two_buildings_overlap_or_touch()
    {
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM building a JOIN building b ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom) WHERE starts_with(a.grid_code, $1)", County));
    }

    [Fact]
    public async Task Codes_addresses_and_dwellings_follow_the_grid_and_its_village()
    {
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM building WHERE code <> grid_code || lpad(seq::text, 5, '0') OR NOT synthetic"));
        // The full chain: 山西省长治市长子县 + township + village (or a lane named after it) + road + number.
        Assert.Equal(0L, await province.ScalarAsync<long>("""
            SELECT count(*) FROM building b
            JOIN grid g ON g.code = b.grid_code JOIN admin_unit v ON v.code = g.village_code JOIN admin_unit t ON t.code = v.parent_code
            WHERE NOT starts_with(b.address, '山西省长治市长子县' || t.name || left(v.name, 2)) OR right(b.address, length(b.road || b.house_number)) <> b.road || b.house_number
            """));
        // Every building, and every dwelling in it, has an address of its own.
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) - count(DISTINCT address) FROM building"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) - count(DISTINCT (b.address, h.unit_no, h.room)) FROM house h JOIN building b ON b.id = h.building_id"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM household WHERE NOT starts_with(register_number, grid_code)"));
        // Apartment flats are numbered floor + position (101 … 702) in units; a courtyard is one house.
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM house h JOIN building b ON b.id = h.building_id WHERE b.floors > 1 AND b.building_use = 'residential' AND (h.room !~ '^[0-9]+0[1-2]$' OR left(h.room, -2)::int > b.floors)"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM building b WHERE b.floors = 1 AND b.building_use = 'residential' AND (SELECT count(*) FROM house h WHERE h.building_id = b.id) <> 1"));
        Assert.True(await province.ScalarAsync<long>("SELECT count(*) FROM building WHERE address LIKE '%号楼'") > 100, "no apartment buildings in the county town");
    }

    [Fact]
    public async Task Every_id_number_is_valid_unique_and_agrees_with_the_person()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var people = 0;
        await using var command = province.DataSource.CreateCommand("SELECT id_number, birth_date, sex, register_type FROM person");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var text = reader.GetString(0);
            Assert.True(IdNumber.TryParse(text, PopulationGenerator.ReferenceDate, out var id, out var error), $"{text}: {error}");
            Assert.Equal(reader.GetFieldValue<DateOnly>(1), id.BirthDate);
            Assert.Equal(reader.GetString(2) == "M", id.IsMale);
            var registerType = reader.GetString(3);
            if (registerType == "registered")
                Assert.Equal(County, id.RegionCode);
            else
                Assert.NotEqual(County, id.RegionCode);
            Assert.True(seen.Add(text), $"{text} twice");
            people++;
        }
        Assert.InRange(people, 250_000, 400_000);
    }

    [Fact]
    public async Task Households_and_ages_look_like_rural_northern_China()
    {
        var meanSize = await province.ScalarAsync<decimal>(
            "SELECT avg(n) FROM (SELECT count(*) AS n FROM household_member WHERE moved_out IS NULL GROUP BY household_id) s");
        Assert.InRange(meanSize, 2.5m, 3.1m);
        var singles = await Share("SELECT avg((n = 1)::int) FROM (SELECT count(*) AS n FROM household_member WHERE moved_out IS NULL GROUP BY household_id) s");
        Assert.InRange(singles, 0.10, 0.30);
        var fiftyToSeventy = await Share("SELECT avg((birth_date <= '1976-11-01' AND birth_date > '1956-11-01')::int) FROM person");
        Assert.InRange(fiftyToSeventy, 0.25, 0.40);
        var children = await Share("SELECT avg((birth_date > '2011-11-01')::int) FROM person");
        Assert.InRange(children, 0.10, 0.22);
        Assert.InRange(await Share("SELECT avg((household_type = 'registered')::int) FROM household"), 0.90, 0.94);
        Assert.InRange(await Share("SELECT avg((household_type = 'floating')::int) FROM household"), 0.06, 0.09);
        Assert.InRange(await Share("SELECT avg((household_type = 'foreign')::int) FROM household"), 0.0005, 0.005);
        Assert.InRange(await Share("SELECT avg((political_status = 'party_member')::int) FROM person WHERE birth_date <= '2008-11-01'"), 0.05, 0.09);
        Assert.InRange(await Share("SELECT avg((phone IS NOT NULL)::int) FROM person WHERE birth_date <= '2008-11-01'"), 0.7, 0.95);
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM person WHERE political_status = 'league_member' AND NOT birth_date BETWEEN '1997-11-02' AND '2012-11-01'"));
    }

    [Fact]
    public async Task Relations_have_consistent_ages_and_membership_history_is_well_formed()
    {
        const string withHead = """
            SELECT count(*) FROM household_member m JOIN person p ON p.id = m.person_id
            JOIN household_member hm ON hm.household_id = m.household_id AND hm.relation = 'head' AND hm.moved_out IS NULL
            JOIN person h ON h.id = hm.person_id
            WHERE m.moved_out IS NULL AND
            """;
        Assert.Equal(0L, await province.ScalarAsync<long>(withHead + " m.relation = 'spouse' AND (abs(p.birth_date - h.birth_date) > 8 * 366 OR p.sex = h.sex)"));
        Assert.Equal(0L, await province.ScalarAsync<long>(withHead + " m.relation = 'child' AND p.birth_date < h.birth_date + interval '18 years'"));
        Assert.Equal(0L, await province.ScalarAsync<long>(withHead + " m.relation = 'grandchild' AND p.birth_date < h.birth_date + interval '36 years'"));
        Assert.Equal(0L, await province.ScalarAsync<long>(withHead + " m.relation = 'parent' AND p.birth_date > h.birth_date - interval '18 years'"));
        // One head per household, one open membership per person, in the grid the person is filed under.
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM household h WHERE (SELECT count(*) FROM household_member m WHERE m.household_id = h.id AND m.relation = 'head' AND m.moved_out IS NULL) <> 1"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM person p WHERE (SELECT count(*) FROM household_member m JOIN household h ON h.id = m.household_id WHERE m.person_id = p.id AND m.moved_out IS NULL AND h.grid_code = p.grid_code) <> 1"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM household_member m JOIN person p ON p.id = m.person_id WHERE m.moved_in < p.birth_date OR m.moved_in > $1", PopulationGenerator.ReferenceDate));
        // Some married in from another household of the county: the earlier membership closes on the day the new one opens.
        var closed = await province.ScalarAsync<long>("SELECT count(*) FROM household_member WHERE moved_out IS NOT NULL");
        Assert.True(closed > 1_000, $"only {closed} closed memberships");
        Assert.Equal(0L, await province.ScalarAsync<long>("""
            SELECT count(*) FROM household_member c
            WHERE c.moved_out IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM household_member o WHERE o.person_id = c.person_id AND o.moved_out IS NULL AND o.moved_in = c.moved_out AND o.household_id <> c.household_id)
            """));
    }

    [Fact]
    public async Task Special_groups_come_at_plausible_rates_with_their_departments_cadences_and_due_visits()
    {
        var ruralLowIncome = await Share("""
            SELECT avg(EXISTS (SELECT 1 FROM household_member m JOIN special_group s ON s.person_id = m.person_id AND s.group_code = 'low_income'
                               WHERE m.household_id = h.id AND m.moved_out IS NULL)::int)
            FROM household h JOIN grid g ON g.code = h.grid_code JOIN admin_unit v ON v.code = g.village_code WHERE NOT v.urban
            """);
        Assert.InRange(ruralLowIncome, 0.04, 0.07);
        // 低保 covers whole households.
        Assert.Equal(0L, await province.ScalarAsync<long>("""
            SELECT count(*) FROM household_member m JOIN household_member other ON other.household_id = m.household_id AND other.moved_out IS NULL
            JOIN special_group s ON s.person_id = m.person_id AND s.group_code = 'low_income'
            WHERE m.moved_out IS NULL AND NOT EXISTS (SELECT 1 FROM special_group o WHERE o.person_id = other.person_id AND o.group_code = 'low_income')
            """));
        Assert.InRange(await Share("SELECT avg(EXISTS (SELECT 1 FROM special_group s WHERE s.person_id = p.id AND s.group_code = 'social_security')::int) FROM person p WHERE p.birth_date BETWEEN '1966-11-02' AND '2010-11-01'"), 0.01, 0.02);
        Assert.InRange(await GroupShare("mental_health"), 0.004, 0.0055);
        Assert.InRange(await GroupShare("drug_user"), 0.0004, 0.0011);
        Assert.InRange(await GroupShare("released_prisoner"), 0.001, 0.002);
        Assert.InRange(await GroupShare("community_correction"), 0.0002, 0.0006);
        // Every child born in the 12 months before the reference date, and no one else, is a birth record.
        Assert.Equal(
            await province.ScalarAsync<long>("SELECT count(*) FROM person WHERE birth_date > $1", PopulationGenerator.ReferenceDate.AddYears(-1)),
            await province.ScalarAsync<long>("SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE s.group_code = 'birth' AND p.birth_date > $1", PopulationGenerator.ReferenceDate.AddYears(-1)));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE s.group_code = 'birth' AND p.birth_date <= $1", PopulationGenerator.ReferenceDate.AddYears(-1)));

        foreach (var group in SpecialGroup.All)
        {
            Assert.Equal(0L, await province.ScalarAsync<long>(
                "SELECT count(*) FROM special_group WHERE group_code = $1 AND (department <> $2 OR visit_cadence_days <> $3 OR source <> 'synthetic')",
                group.Code, group.Department, (short)group.VisitCadenceDays));
        }
        Assert.InRange(await Share("SELECT avg((next_visit_due < $1)::int) FROM special_group", PopulationGenerator.ReferenceDate), 0.07, 0.13);
        Assert.InRange(await Share("SELECT avg((risk_level = 1)::int) FROM special_group"), 0.7, 0.9);
        Assert.InRange(await Share("SELECT avg((risk_level = 3)::int) FROM special_group"), 0.01, 0.06);
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE s.registered_on > $1 OR s.registered_on < p.birth_date OR s.next_visit_due < s.registered_on",
            PopulationGenerator.ReferenceDate));
    }

    [Fact]
    public async Task The_load_is_recorded_and_the_tiles_invalidated_once_for_the_county()
    {
        Assert.Equal(1L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM population_load WHERE county_code = $1 AND seed = $2 AND generator = $3 AND people = (SELECT count(*) FROM person) AND buildings = (SELECT count(*) FROM building)",
            County, PopulationGenerator.DefaultSeed, PopulationGenerator.Version));
        Assert.Equal(1L, await province.ScalarAsync<long>("SELECT count(*) FROM tile_invalidation WHERE layer = 'buildings'"));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_grids_and_the_template_holds_exactly_that()
    {
        var source = await FirstVillages(province.DataSource, 3);
        var first = new PopulationGenerator(source).Generate();
        var second = new PopulationGenerator(source).Generate();
        var other = new PopulationGenerator(source, seed: 7).Generate();

        Assert.InRange(source.Grids.Count, 5, 120);
        Assert.Equal(first.People, second.People);
        Assert.Equal(first.Households, second.Households);
        Assert.Equal(first.Memberships, second.Memberships);
        Assert.Equal(first.SpecialGroups, second.SpecialGroups);
        Assert.Equal(first.Houses, second.Houses);
        Assert.Equal(first.Buildings.Select(b => b with { Geometry = null! }), second.Buildings.Select(b => b with { Geometry = null! }));
        Assert.True(first.Buildings.Zip(second.Buildings).All(p => p.First.Geometry.EqualsExact(p.Second.Geometry)));
        Assert.NotEqual(first.People.Select(p => p.IdNumber), other.People.Select(p => p.IdNumber));

        // Villages are independent of each other, so these villages' buildings are the ones the full county run loaded.
        var codes = first.Buildings.Select(b => b.Code).ToArray();
        await using var command = province.DataSource.CreateCommand(
            "SELECT code, address, ST_AsBinary(geom) FROM building WHERE code = ANY ($1) ORDER BY code");
        command.Parameters.Add(new() { Value = codes });
        await using var reader = await command.ExecuteReaderAsync();
        var loaded = 0;
        var writer = new NetTopologySuite.IO.WKBWriter();
        var expected = first.Buildings.ToDictionary(b => b.Code);
        while (await reader.ReadAsync())
        {
            var building = expected[reader.GetString(0)];
            Assert.Equal(building.Address, reader.GetString(1));
            Assert.Equal(writer.Write(building.Geometry), reader.GetFieldValue<byte[]>(2));
            loaded++;
        }
        Assert.Equal(codes.Length, loaded);
    }

    [Fact]
    public async Task Colliding_id_numbers_are_redrawn_keeping_region_birth_date_and_sex()
    {
        var population = new PopulationGenerator(await FirstVillages(province.DataSource, 1)).Generate();
        var before = population.People.ToArray();
        var taken = before.Where((_, i) => i % 50 == 0).Select(p => p.IdNumber).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(taken.Count, population.RedrawIdNumbers(taken));

        for (var i = 0; i < before.Length; i++)
        {
            var (old, now) = (IdNumber.Parse(before[i].IdNumber), IdNumber.Parse(population.People[i].IdNumber));
            Assert.Equal(taken.Contains(old.Value), old != now);
            Assert.Equal((old.RegionCode, old.BirthDate, old.IsMale), (now.RegionCode, now.BirthDate, now.IsMale));
        }
        var numbers = population.People.Select(p => p.IdNumber).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(numbers, taken.Contains);
    }

    internal static async Task<PopulationSource> FirstVillages(NpgsqlDataSource dataSource, int villages)
    {
        var county = await PopulationSource.LoadAsync(dataSource, County);
        var chosen = county.Grids.Select(g => g.VillageCode).Distinct().Order(StringComparer.Ordinal).Skip(20).Take(villages).ToHashSet();
        return county with { Grids = [.. county.Grids.Where(g => chosen.Contains(g.VillageCode))] };
    }

    private async Task<double> Share(string sql, params object[] parameters) => (double)await province.ScalarAsync<decimal>(sql, parameters);

    private Task<double> GroupShare(string group) =>
        Share("SELECT (SELECT count(*) FROM special_group WHERE group_code = $1)::numeric / (SELECT count(*) FROM person)", group);

    private async Task<(double Min, double Max)> MinMax(string sql)
    {
        await using var command = province.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }
}

/// <summary>
/// Loads replace one county's population in one transaction; interrupted, they leave the previous one whole. The
/// populations loaded here are a few villages of the county, which replace all of its people just the same, quickly.
/// </summary>
public class PopulationLoaderTests
{
    private const string County = TestDatabases.PopulationCounty;

    [Fact]
    public async Task Loading_again_replaces_the_county_rather_than_adding_to_it()
    {
        await using var db = await TestDatabases.CreateAsync("popreload", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var wholeCounty = await Counts(dataSource);
        var invalidations = await Scalar<long>(dataSource, "SELECT count(*) FROM tile_invalidation");
        var loader = new PopulationLoader(dataSource);

        await loader.LoadAsync(await FewVillages(dataSource));
        var first = await Counts(dataSource);
        var content = await Content(dataSource);
        var result = await loader.LoadAsync(await FewVillages(dataSource));

        Assert.True(first.People is > 1_000 && first.People < wholeCounty.People / 10, $"{first.People} people in a few villages");
        Assert.Equal(first, await Counts(dataSource));
        Assert.Equal(content, await Content(dataSource)); // the same seed gives the same people, under new ids
        Assert.Equal(0, result.RedrawnIdNumbers);
        Assert.Equal(1L, await Scalar<long>(dataSource, "SELECT count(*) FROM population_load"));
        Assert.Equal(first.Buildings, await Scalar<int>(dataSource, "SELECT buildings FROM population_load WHERE county_code = '140428'"));
        // One invalidation for the county per load, not one per building.
        Assert.Equal(invalidations + 2, await Scalar<long>(dataSource, "SELECT count(*) FROM tile_invalidation"));
    }

    [Fact]
    public async Task A_cancelled_load_leaves_the_previous_population_intact()
    {
        await using var db = await TestDatabases.CreateAsync("popcancel", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var before = await Counts(dataSource);
        var fingerprint = await Fingerprint(dataSource);
        var population = await FewVillages(dataSource, seed: 7);

        using var cancel = new CancellationTokenSource();
        var steps = new List<string>();
        var progress = new SynchronousProgress(step =>
        {
            steps.Add(step);
            if (step == "people")
                cancel.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PopulationLoader(dataSource).LoadAsync(population, progress, cancel.Token));

        // The county had been cleared and buildings, houses, households and people copied when the load was cancelled.
        Assert.Equal(["cleared", "buildings", "houses", "households", "people"], steps);
        Assert.Equal(before, await Counts(dataSource));
        Assert.Equal(fingerprint, await Fingerprint(dataSource));
        Assert.Equal(PopulationGenerator.DefaultSeed, await Scalar<int>(dataSource, "SELECT seed FROM population_load WHERE county_code = '140428'"));
    }

    [Fact]
    public async Task A_person_outside_the_county_is_kept_and_a_new_person_drawing_his_number_gets_another()
    {
        await using var db = await TestDatabases.CreateAsync("popkeep", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var loader = new PopulationLoader(dataSource);
        await loader.LoadAsync(await FewVillages(dataSource));
        var kept = await Scalar<string>(dataSource,
            "SELECT id_number FROM person p WHERE register_type = 'registered' AND NOT EXISTS (SELECT 1 FROM special_group s WHERE s.person_id = p.id) ORDER BY id_number LIMIT 1");
        // Someone who moved out of the county (nowhere known now) keeps his record and his ID number.
        await using (var move = dataSource.CreateCommand("UPDATE person SET grid_code = NULL WHERE id_number = $1"))
        {
            move.Parameters.Add(new() { Value = kept });
            Assert.Equal(1, await move.ExecuteNonQueryAsync());
        }
        var before = await Counts(dataSource);

        var population = await FewVillages(dataSource);
        Assert.Contains(population.People, p => p.IdNumber == kept);
        var result = await loader.LoadAsync(population);

        Assert.Equal(1, result.RedrawnIdNumbers);
        Assert.Equal(before with { People = before.People + 1 }, await Counts(dataSource));
        Assert.Equal(1L, await Scalar<long>(dataSource, $"SELECT count(*) FROM person WHERE grid_code IS NULL AND id_number = '{kept}'"));
        Assert.Equal(0L, await Scalar<long>(dataSource, "SELECT count(*) FROM person WHERE register_type = 'registered' AND grid_code IS NOT NULL AND NOT starts_with(id_number, '140428')"));
    }

    [Fact]
    public async Task The_command_rejects_a_hostile_county_code_and_skips_a_county_already_loaded()
    {
        var connectionString = await TestDatabases.ProvinceAsync();
        await using var dataSource = GridMapDataSource.Create(connectionString);
        var before = await Counts(dataSource);
        var loadedAt = await Scalar<DateTime>(dataSource, "SELECT loaded_at FROM population_load WHERE county_code = '140428'");

        var hostile = GridMap.Cli.Commands.CommandTree.Build()
            .Parse(["generate", "people", "--county", "140428'; DROP TABLE person; --", "--db", connectionString])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => hostile);
        Assert.Contains("six digits", error.Message);

        var skipped = await GridMap.Cli.Commands.CommandTree.Build()
            .Parse(["generate", "people", "--county", County, "--if-missing", "--db", connectionString])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });
        Assert.Equal(0, skipped);
        Assert.Equal(before, await Counts(dataSource));
        Assert.Equal(loadedAt, await Scalar<DateTime>(dataSource, "SELECT loaded_at FROM population_load WHERE county_code = '140428'"));
    }

    private static async Task<GeneratedPopulation> FewVillages(NpgsqlDataSource dataSource, int seed = PopulationGenerator.DefaultSeed) =>
        new PopulationGenerator(await PopulationGeneratorTests.FirstVillages(dataSource, 3), seed).Generate();

    private sealed record TableCounts(long Buildings, long Houses, long Households, long People, long Members, long Groups);

    private static async Task<TableCounts> Counts(NpgsqlDataSource dataSource) => new(
        await Scalar<long>(dataSource, "SELECT count(*) FROM building"),
        await Scalar<long>(dataSource, "SELECT count(*) FROM house"),
        await Scalar<long>(dataSource, "SELECT count(*) FROM household"),
        await Scalar<long>(dataSource, "SELECT count(*) FROM person"),
        await Scalar<long>(dataSource, "SELECT count(*) FROM household_member"),
        await Scalar<long>(dataSource, "SELECT count(*) FROM special_group"));

    private static Task<string> Content(NpgsqlDataSource dataSource) =>
        Scalar<string>(dataSource, "SELECT md5(string_agg(id_number || name || birth_date || coalesce(phone, '') || grid_code, ',' ORDER BY id_number)) FROM person");

    private static Task<string> Fingerprint(NpgsqlDataSource dataSource) =>
        Scalar<string>(dataSource, "SELECT md5(string_agg(id::text || id_number || name, ',' ORDER BY id)) FROM person");

    private static async Task<T> Scalar<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test needs the callback while the COPY is running.</summary>
    private sealed class SynchronousProgress(Action<string> onStep) : IProgress<(string Step, int Done, int Total)>
    {
        public void Report((string Step, int Done, int Total) value) => onStep(value.Step);
    }
}

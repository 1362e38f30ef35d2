using System.Globalization;
using GridMap.Domain.People;
using GridMap.Synthetic.Generation;

namespace GridMap.Synthetic.Population;

/// <summary>
/// The buildings, households and people of one village's grids, with row indexes local to the village. Grids are done in
/// code order because they share the village's streets (each new lane takes the next name) and house numbers; every
/// other draw comes from the grid's own random streams.
/// </summary>
internal sealed class VillagePopulation(PopulationSource source, int seed, DateOnly reference, IReadOnlyList<PopulationGrid> grids)
{
    /// <summary>
    /// Where migrants' ID numbers were issued, by weight: the rest of Changzhi and Shanxi, then the neighbouring provinces.
    /// Foreign residents (境外) hold a residence permit issued by the city (the city's code, e.g. 140400).
    /// </summary>
    private static readonly (string Region, double Weight)[] MigrantOrigins =
    [
        ("140402", 6), ("140404", 4), ("140405", 4), ("140406", 3), ("140423", 3), ("140425", 2), ("140426", 2), ("140427", 3),
        ("140428", 1), ("140429", 2), ("140430", 2), ("140431", 2), ("140521", 3), ("140522", 3), ("140525", 4), ("140581", 4),
        ("140105", 3), ("140106", 2), ("140109", 2), ("140213", 1), ("140302", 1), ("140702", 2), ("140802", 1), ("141002", 2),
        ("410102", 2), ("410502", 3), ("410702", 3), ("410802", 4), ("410882", 2), ("411102", 1), ("130402", 2), ("130503", 2),
        ("130102", 1), ("370102", 1), ("610102", 1), ("150102", 1), ("340102", 1), ("320102", 1), ("510104", 1), ("230102", 1),
    ];

    private static readonly double MigrantOriginsTotal = MigrantOrigins.Sum(o => o.Weight);

    public List<BuildingRecord> Buildings { get; } = [];
    public List<HouseRecord> Houses { get; } = [];
    public List<HouseholdRecord> Households { get; } = [];
    public List<PersonRecord> People { get; } = [];
    public List<MembershipRecord> Memberships { get; } = [];
    public List<SpecialGroupRecord> SpecialGroups { get; } = [];

    private readonly List<(int Household, DateOnly HeadBirth)> registeredHouseholds = [];
    private readonly List<(int Person, int Household, DateOnly Birth, DateOnly MarriedOn, double Pick)> marriedIn = [];

    public VillagePopulation Build()
    {
        var first = grids[0];
        var streets = new Streets(first.VillageName, first.Urban, StableRandom.For(seed, first.VillageCode, "streets"));
        var addressPrefix = $"{source.ProvinceName}{source.CityName}{source.CountyName}{first.TownshipName}";
        for (var i = 0; i < grids.Count; i++)
        {
            var dwellings = PlaceBuildings(grids[i], i, streets, addressPrefix);
            Populate(grids[i], dwellings);
        }
        AddEarlierMemberships();
        return this;
    }

    /// <summary>Buildings and houses of one grid; returns the houses households move into, each once per household it takes.</summary>
    private List<int> PlaceBuildings(PopulationGrid grid, int gridIndex, Streets streets, string addressPrefix)
    {
        var random = StableRandom.For(seed, grid.Code, "sites");
        var plan = SitePlanner.Plan(grid, grid.Households, withOffice: gridIndex == 0, random);
        var sequence = 0;
        var dwellings = new List<int>(grid.Households);

        void AddBuilding(PlannedBuilding planned, string road, string houseNumber)
        {
            var use = planned.Kind switch
            {
                BuildingKind.Office => "public",
                BuildingKind.Shed => "other",
                _ => "residential",
            };
            sequence++;
            // A lane named after the village (庞庄村三巷) already says the village.
            var place = road.StartsWith(streets.PlaceName, StringComparison.Ordinal) ? "" : streets.PlaceName;
            Buildings.Add(new BuildingRecord(
                grid.Code + sequence.ToString("D5", CultureInfo.InvariantCulture), grid.Code, sequence, planned.Footprint,
                road, houseNumber, addressPrefix + place + road + houseNumber, use, planned.Floors));
        }

        if (!plan.Apartments)
        {
            var courtyards = new List<int>();
            foreach (var road in plan.Buildings.GroupBy(b => b.Row).OrderByDescending(r => r.Key))
            {
                var name = streets.NextStreet();
                // A street an apartment grid already numbered (its main street) continues after those numbers.
                var from = streets.Taken(name);
                var numbered = road.Where(b => b.Side == 0).OrderBy(b => b.Along).Select((b, i) => (Building: b, Number: from + 2 * i + 1))
                    .Concat(road.Where(b => b.Side == 1).OrderBy(b => b.Along).Select((b, i) => (Building: b, Number: from + 2 * i + 2)))
                    .OrderBy(n => n.Number).ToList();
                streets.Reserve(name, numbered.Count == 0 ? 0 : numbered.Max(n => n.Number));
                foreach (var (building, number) in numbered)
                {
                    AddBuilding(building, name, $"{number}号");
                    if (building.Kind != BuildingKind.Courtyard)
                        continue;
                    // A courtyard's dwelling: the main rooms and side rooms, about 40% of the plot.
                    Houses.Add(new HouseRecord(Buildings.Count - 1, 1, "1", (float)Math.Round(building.FootprintM2 * (0.35 + 0.15 * random.NextDouble()), 1)));
                    courtyards.Add(Houses.Count - 1);
                }
            }
            // Every courtyard takes one household, some two.
            if (courtyards.Count > 0)
            {
                var extra = grid.Households - courtyards.Count;
                var order = Enumerable.Range(0, courtyards.Count).ToArray();
                random.Shuffle(order);
                var twice = order.Take(Math.Max(extra, 0)).ToHashSet();
                for (var i = 0; i < courtyards.Count && dwellings.Count < grid.Households; i++)
                {
                    dwellings.Add(courtyards[i]);
                    if (twice.Contains(i) && dwellings.Count < grid.Households)
                        dwellings.Add(courtyards[i]);
                }
            }
            return dwellings;
        }

        var street = streets.MainStreet(gridIndex);
        var flats = new List<int>();
        var apartments = plan.Buildings.Where(b => b.Kind != BuildingKind.Office).OrderByDescending(b => b.Row).ThenBy(b => b.Along).ToList();
        foreach (var office in plan.Buildings.Where(b => b.Kind == BuildingKind.Office))
            AddBuilding(office, street, $"{streets.NextNumber(street)}号");
        var compound = streets.NextNumber(street);
        for (var b = 0; b < apartments.Count; b++)
        {
            var building = apartments[b];
            AddBuilding(building, street, $"{compound}号{b + 1}号楼");
            var flatArea = building.FootprintM2 / (building.Units * SitePlanner.FlatsPerLanding) * 1.12;
            for (short unit = 1; unit <= building.Units; unit++)
            {
                for (var floor = 1; floor <= building.Floors; floor++)
                {
                    for (var flat = 1; flat <= SitePlanner.FlatsPerLanding; flat++)
                    {
                        Houses.Add(new HouseRecord(Buildings.Count - 1, unit, string.Create(CultureInfo.InvariantCulture, $"{floor}{flat:D2}"),
                            (float)Math.Round(flatArea * (0.9 + 0.2 * random.NextDouble()), 1)));
                        flats.Add(Houses.Count - 1);
                    }
                }
            }
        }
        // Households take a random nine in ten or so of the flats (in flat order, so register numbers follow the stairs).
        var shuffled = flats.ToArray();
        random.Shuffle(shuffled);
        var taken = shuffled.Take(grid.Households).Order().ToList();
        for (var i = 0; dwellings.Count < grid.Households && taken.Count > 0; i++)
            dwellings.Add(taken[i % taken.Count]);
        return dwellings;
    }

    private void Populate(PopulationGrid grid, List<int> dwellings)
    {
        var random = StableRandom.For(seed, grid.Code, "people");
        var groups = StableRandom.For(seed, grid.Code, "groups");
        var composer = new HouseholdComposer(random, reference);
        var countyCode = source.CountyCode;
        var width = grid.Households > 999 ? "D4" : "D3";
        for (var h = 0; h < dwellings.Count; h++)
        {
            var u = random.NextDouble();
            var type = u < 0.002 ? "foreign" : u < 0.077 ? "floating" : "registered";
            var region = type switch
            {
                "registered" => countyCode,
                "foreign" => countyCode[..4] + "00",
                _ => MigrantOrigin(random, countyCode),
            };
            Households.Add(new HouseholdRecord(grid.Code + (h + 1).ToString(width, CultureInfo.InvariantCulture), type, dwellings[h], grid.Code));
            var household = Households.Count - 1;
            var composition = composer.Draw(grid.Urban, type);
            var members = composer.Compose(composition, type);
            if (type == "registered")
                registeredHouseholds.Add((household, members[0].BirthDate));

            var lowIncome = type == "registered" && groups.NextDouble() < LowIncomeRate(composition) * (grid.Urban ? 0.5 : 1);
            foreach (var member in members)
            {
                var age = Age(member.BirthDate);
                People.Add(new PersonRecord(
                    IdNumbers.Draw(region, member.BirthDate, !member.Female, random), member.Name, member.Female ? 'F' : 'M', member.BirthDate,
                    HasPhone(age, random) ? SyntheticNames.MobilePhone(random) : null, PoliticalStatus(age, member.Female, random), type, grid.Code));
                var person = People.Count - 1;
                Memberships.Add(new MembershipRecord(household, person, member.Relation, member.MovedIn, null));
                if (member.MarriedIn)
                    marriedIn.Add((person, household, member.BirthDate, member.MovedIn, random.NextDouble()));
                DrawSpecialGroups(person, member, age, lowIncome, groups);
            }
        }
    }

    /// <summary>
    /// Some who married in grew up in another household of the same village: that membership, closed on the wedding,
    /// is kept in the history. The parents' household is one whose head is at least 18 years older.
    /// </summary>
    private void AddEarlierMemberships()
    {
        if (registeredHouseholds.Count < 2)
            return;
        foreach (var (person, household, birth, marriedOn, pick) in marriedIn)
        {
            var start = (int)(pick * registeredHouseholds.Count);
            for (var k = 0; k < registeredHouseholds.Count; k++)
            {
                var (candidate, headBirth) = registeredHouseholds[(start + k) % registeredHouseholds.Count];
                if (candidate == household || headBirth > birth.AddYears(-18))
                    continue;
                Memberships.Add(new MembershipRecord(candidate, person, "child", birth, marriedOn));
                break;
            }
        }
    }

    private void DrawSpecialGroups(int person, Member member, int age, bool lowIncome, Random random)
    {
        var male = !member.Female;
        if (lowIncome)
            AddGroup(SpecialGroup.LowIncome, person, member.BirthDate, random);
        if (age is >= 16 and <= 59 && random.NextDouble() < 0.015)
            AddGroup(SpecialGroup.SocialSecurity, person, member.BirthDate, random);
        if (age >= 15 && random.NextDouble() < 0.0056)
            AddGroup(SpecialGroup.MentalHealth, person, member.BirthDate, random);
        if (age is >= 18 and <= 55 && random.NextDouble() < (male ? 0.0027 : 0.0005))
            AddGroup(SpecialGroup.DrugUser, person, member.BirthDate, random);
        if (age is >= 20 and <= 65 && random.NextDouble() < (male ? 0.0045 : 0.0005))
            AddGroup(SpecialGroup.ReleasedPrisoner, person, member.BirthDate, random);
        if (age is >= 18 and <= 65 && random.NextDouble() < (male ? 0.0011 : 0.0003))
            AddGroup(SpecialGroup.CommunityCorrection, person, member.BirthDate, random);
        if (member.BirthDate > reference.AddYears(-1))
            AddGroup(SpecialGroup.Birth, person, member.BirthDate, random);
    }

    /// <summary>
    /// One department record: mostly risk level 1, some 2, few 3 (more 2s and 3s for mental health and drugs); registered
    /// some time ago (a birth within a month of it); the next visit due within one cadence, about one in ten overdue.
    /// </summary>
    private void AddGroup(SpecialGroup group, int person, DateOnly birth, Random random)
    {
        var u = random.NextDouble();
        var severe = group == SpecialGroup.MentalHealth || group == SpecialGroup.DrugUser;
        short risk = u < (severe ? 0.65 : 0.85) ? (short)1 : u < (severe ? 0.92 : 0.97) ? (short)2 : (short)3;
        var registeredOn = group == SpecialGroup.Birth
            ? Earlier(birth.AddDays(random.Next(0, 31)), reference)
            : Earlier(Later(reference.AddDays(-random.Next(30, 8 * 365)), birth.AddDays(1)), reference);
        var cadence = group.VisitCadenceDays;
        var due = random.NextDouble() < 0.1
            ? reference.AddDays(-random.Next(1, Math.Min(cadence, 60) + 1))
            : reference.AddDays(random.Next(0, cadence));
        SpecialGroups.Add(new SpecialGroupRecord(person, group.Code, group.Department, risk, registeredOn, (short)cadence, Later(due, registeredOn)));
    }

    /// <summary>低保 goes mostly to the elderly living alone or as a couple, single parents and grandparents raising children.</summary>
    private static double LowIncomeRate(Composition composition) => composition switch
    {
        Composition.ElderlySingle => 0.16,
        Composition.ElderlyCouple => 0.08,
        Composition.SingleParent => 0.12,
        Composition.AdultSingle => 0.09,
        Composition.SkippedGeneration => 0.08,
        _ => 0.025,
    };

    private static bool HasPhone(int age, Random random) => age switch
    {
        < 14 => false,
        < 18 => random.NextDouble() < 0.4,
        < 60 => random.NextDouble() < 0.93,
        < 75 => random.NextDouble() < 0.75,
        _ => random.NextDouble() < 0.4,
    };

    /// <summary>Party members about 7% of adults (more men), league members among the young, the masses otherwise.</summary>
    private static string PoliticalStatus(int age, bool female, Random random)
    {
        var u = random.NextDouble();
        if (age >= 18)
        {
            var party = female ? 0.04 : 0.095;
            if (u < party)
                return "party_member";
            if (u < party + 0.004)
                return "probationary_member";
            if (u < party + 0.005)
                return "other_party";
        }
        if (age is >= 14 and <= 28 && random.NextDouble() < (age <= 24 ? 0.45 : 0.2))
            return "league_member";
        return "masses";
    }

    private static string MigrantOrigin(Random random, string countyCode)
    {
        var pick = random.NextDouble() * MigrantOriginsTotal;
        foreach (var (region, weight) in MigrantOrigins)
        {
            // Migrants come from elsewhere: a draw of the county itself takes the list's first other region.
            if (pick < weight)
                return region != countyCode ? region : MigrantOrigins.First(o => o.Region != countyCode).Region;
            pick -= weight;
        }
        return MigrantOrigins[^1].Region;
    }

    private int Age(DateOnly birth)
    {
        var years = reference.Year - birth.Year;
        return reference < birth.AddYears(years) ? years - 1 : years;
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;
}

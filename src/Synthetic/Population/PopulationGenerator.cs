using System.Diagnostics;
using GridMap.Synthetic.Generation;

namespace GridMap.Synthetic.Population;

/// <summary>
/// Generates a county's synthetic people and houses (实有人口、实有房屋) inside its grids: buildings on a site plan per
/// grid, one household per grid household, family members with consistent ages and valid ID numbers, and the special
/// groups departments report. Every random draw comes from a stream keyed by the seed and a grid (or village) code, so
/// the same seed and county give the same population whatever the thread scheduling; villages run in parallel.
/// </summary>
public sealed class PopulationGenerator(PopulationSource source, int seed = PopulationGenerator.DefaultSeed)
{
    public const string Version = "population-v2";
    public const int DefaultSeed = 2013;

    /// <summary>Where the special-group records say they came from.</summary>
    public const string Source = "synthetic";

    /// <summary>The "today" of the synthetic register: ages, births of the last year and overdue visits count from it.</summary>
    public static readonly DateOnly ReferenceDate = new(2026, 11, 1);

    public GeneratedPopulation Generate(IProgress<(string Step, int Done, int Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var villages = source.Grids
            .GroupBy(g => g.VillageCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(grid => grid.Code, StringComparer.Ordinal).ToList())
            .ToList();
        var parts = new VillagePopulation[villages.Count];
        var done = 0;
        Parallel.For(0, villages.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            parts[i] = new VillagePopulation(source, seed, ReferenceDate, villages[i]).Build();
            progress?.Report(("grids", Interlocked.Add(ref done, villages[i].Count), source.Grids.Count));
        });
        return Merge(parts, clock);
    }

    /// <summary>Joins the villages in code order, shifting each village's row indexes, and makes every ID number unique.</summary>
    private GeneratedPopulation Merge(VillagePopulation[] parts, Stopwatch clock)
    {
        var buildings = new List<BuildingRecord>(parts.Sum(p => p.Buildings.Count));
        var houses = new List<HouseRecord>(parts.Sum(p => p.Houses.Count));
        var households = new List<HouseholdRecord>(parts.Sum(p => p.Households.Count));
        var people = new PersonRecord[parts.Sum(p => p.People.Count)];
        var memberships = new List<MembershipRecord>(parts.Sum(p => p.Memberships.Count));
        var groups = new List<SpecialGroupRecord>(parts.Sum(p => p.SpecialGroups.Count));
        var personCount = 0;
        foreach (var part in parts)
        {
            var (buildingBase, houseBase, householdBase, personBase) = (buildings.Count, houses.Count, households.Count, personCount);
            buildings.AddRange(part.Buildings);
            houses.AddRange(part.Houses.Select(h => h with { Building = h.Building + buildingBase }));
            households.AddRange(part.Households.Select(h => h with { House = h.House + houseBase }));
            part.People.CopyTo(people, personBase);
            personCount += part.People.Count;
            memberships.AddRange(part.Memberships.Select(m => m with { Household = m.Household + householdBase, Person = m.Person + personBase }));
            groups.AddRange(part.SpecialGroups.Select(g => g with { Person = g.Person + personBase }));
        }

        // Numbers are drawn per grid; two people of the county may draw the same one, the later (in code order) re-draws.
        var inUse = new HashSet<string>(people.Length, StringComparer.Ordinal);
        for (var i = 0; i < people.Length; i++)
        {
            if (inUse.Add(people[i].IdNumber))
                continue;
            people[i] = people[i] with { IdNumber = IdNumbers.Redraw(people[i].IdNumber, inUse) };
            inUse.Add(people[i].IdNumber);
        }
        return new GeneratedPopulation(source.CountyCode, seed, Version, ReferenceDate, buildings, houses, households, people, memberships, groups, clock.Elapsed);
    }
}

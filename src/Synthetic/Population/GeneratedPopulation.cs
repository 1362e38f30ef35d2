using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.Population;

// Rows refer to each other by their index in the population's lists; the loader turns indexes into ids.

public sealed record BuildingRecord(
    string Code, string GridCode, int Seq, Polygon Geometry, string Road, string HouseNumber, string Address, string Use, short Floors);

public sealed record HouseRecord(int Building, short UnitNo, string Room, float AreaM2);

public sealed record HouseholdRecord(string RegisterNumber, string Type, int House, string GridCode);

public sealed record PersonRecord(
    string IdNumber, string Name, char Sex, DateOnly BirthDate, string? Phone, string PoliticalStatus, string RegisterType, string GridCode);

public sealed record MembershipRecord(int Household, int Person, string Relation, DateOnly MovedIn, DateOnly? MovedOut);

public sealed record SpecialGroupRecord(
    int Person, string GroupCode, string Department, short RiskLevel, DateOnly RegisteredOn, short VisitCadenceDays, DateOnly NextVisitDue);

/// <summary>
/// One county's generated people and houses (实有人口、实有房屋), in memory, ready for <see cref="PopulationLoader"/>.
/// Everything in it is synthetic.
/// </summary>
public sealed class GeneratedPopulation(
    string countyCode,
    int seed,
    string generatorVersion,
    DateOnly referenceDate,
    IReadOnlyList<BuildingRecord> buildings,
    IReadOnlyList<HouseRecord> houses,
    IReadOnlyList<HouseholdRecord> households,
    PersonRecord[] people,
    IReadOnlyList<MembershipRecord> memberships,
    IReadOnlyList<SpecialGroupRecord> specialGroups,
    TimeSpan elapsed)
{
    public string CountyCode { get; } = countyCode;
    public int Seed { get; } = seed;
    public string GeneratorVersion { get; } = generatorVersion;
    public DateOnly ReferenceDate { get; } = referenceDate;
    public IReadOnlyList<BuildingRecord> Buildings { get; } = buildings;
    public IReadOnlyList<HouseRecord> Houses { get; } = houses;
    public IReadOnlyList<HouseholdRecord> Households { get; } = households;
    public IReadOnlyList<PersonRecord> People => people;
    public IReadOnlyList<MembershipRecord> Memberships { get; } = memberships;
    public IReadOnlyList<SpecialGroupRecord> SpecialGroups { get; } = specialGroups;
    public TimeSpan Elapsed { get; } = elapsed;

    /// <summary>
    /// Gives a new ID number to every person whose number is in <paramref name="taken"/> (held by someone already in
    /// the database), re-drawn deterministically; returns how many changed.
    /// </summary>
    public int RedrawIdNumbers(IReadOnlySet<string> taken)
    {
        if (taken.Count == 0)
            return 0;
        var inUse = new HashSet<string>(people.Select(p => p.IdNumber), StringComparer.Ordinal);
        inUse.UnionWith(taken);
        var changed = 0;
        for (var i = 0; i < people.Length; i++)
        {
            if (!taken.Contains(people[i].IdNumber))
                continue;
            var fresh = IdNumbers.Redraw(people[i].IdNumber, inUse);
            inUse.Add(fresh);
            people[i] = people[i] with { IdNumber = fresh };
            changed++;
        }
        return changed;
    }
}

using NetTopologySuite.Geometries;

namespace GridMap.Store.Residents;

/// <summary>A building found by a locating search, with what matched.</summary>
public sealed record BuildingHit(string Code, string GridCode, string Address, string Use, int Floors, string Matched, double[] Point);

/// <summary>The building card: the building, its houses and, when the caller may see residents, who lives there.</summary>
public sealed record BuildingCard(
    string Code, string GridCode, string Address, string Road, string HouseNumber, string Use, int Floors, bool Synthetic,
    Geometry Geometry, int Households, int Residents, bool ResidentsShown, IReadOnlyList<HouseView> Houses)
{
    /// <summary>The building's row version, sent back with a change to it.</summary>
    public int RowVersion { get; init; }

    /// <summary>Special-group records shown on the card (each read is audited).</summary>
    public IReadOnlyList<long> SpecialGroupRecordIds { get; init; } = [];
}

public sealed record HouseView(int Unit, string Room, float? AreaM2, IReadOnlyList<HouseholdView> Households, long Id = 0, bool Vacant = false,
    int RowVersion = 0);

/// <summary>A household on the card; <paramref name="Fresh"/> when verified or changed within the freshness window.</summary>
public sealed record HouseholdView(string RegisterNumber, string Type, int Members, IReadOnlyList<ResidentView> Residents, long Id = 0,
    int RowVersion = 0, DateTimeOffset? ConfirmedAt = null, bool Fresh = false);

/// <summary>A resident as a card lists them: ID number and phone always masked here (unmasking is its own request).</summary>
public sealed record ResidentView(long PersonId, string Name, string Sex, int Age, string Relation, string IdNumber, string? Phone,
    string RegisterType, string PoliticalStatus, IReadOnlyList<string> Groups, int RowVersion = 0);

public sealed record PersonCard(long Id, string Name, string Sex, DateOnly BirthDate, int Age, string IdNumber, string? Phone,
    string RegisterType, string PoliticalStatus, string? GridCode, IReadOnlyList<MembershipView> Households, IReadOnlyList<SpecialGroupRecord> Groups);

public sealed record MembershipView(string RegisterNumber, string HouseholdType, string Relation, DateOnly MovedIn, DateOnly? MovedOut,
    string? BuildingCode, string? Address, int? Unit, string? Room);

public sealed record SpecialGroupRecord(long Id, string Group, string Department, int RiskLevel, DateOnly RegisteredOn, int VisitCadenceDays,
    DateOnly NextVisitDue, string Source, string? Note, DateOnly? LastVisit);

/// <summary>A row of a visit list: whom to visit, in which building, by when.</summary>
public sealed record VisitDue(long RecordId, string Group, string Department, int RiskLevel, DateOnly NextVisitDue, int VisitCadenceDays,
    long PersonId, string Name, string Sex, int Age, string IdNumber, string GridCode, string? BuildingCode);

public sealed record Unmasked(long PersonId, string IdNumber, string? Phone);

public sealed record GridPopulation(int Buildings, int Households, int People);

namespace GridMap.Store.Register;

/// <summary>What a register change did: the change rows written, whether it is done or waits for another grid, and the records it left.</summary>
public sealed record RegisterChangeResult(
    IReadOnlyList<long> ChangeIds, string Kind, string Outcome, long? PersonId = null, long? HouseholdId = null, long? HouseId = null,
    string? BuildingCode = null, long? MoveRequestId = null, int? RowVersion = null, IReadOnlyList<long>? ReconciliationIds = null)
{
    /// <summary>True when the answer is the first one given for a repeated idempotency key.</summary>
    public bool Replayed { get; init; }

    public const string Done = "done";
    public const string Pending = "pending";
    public const string Moved = "moved";
}

/// <summary>A household as a conflict answer shows it (members masked as everywhere).</summary>
public sealed record HouseholdState(long Id, string RegisterNumber, string Type, long HouseId, string GridCode, int RowVersion,
    DateTimeOffset? ConfirmedAt, DateOnly? DissolvedOn, IReadOnlyList<MemberState> Members);

public sealed record MemberState(long PersonId, string Name, string Relation, int RowVersion);

public sealed record PersonState(long Id, string Name, string Sex, DateOnly BirthDate, string IdNumber, string Status, DateOnly? DeathDate,
    string? GridCode, string PoliticalStatus, string RegisterType, int RowVersion);

public sealed record HouseState(long Id, string BuildingCode, int Unit, string Room, bool Vacant, int RowVersion);

public sealed record BuildingState(string Code, string Use, int Floors, int RowVersion);

/// <summary>One row of a record's history: who changed what, when and why; a correction names the change it corrects.</summary>
public sealed record ChangeView(long Id, DateTimeOffset At, string Actor, string Kind, string Subject, string GridCode, string Reason,
    string? Before, string? After, long? Corrects);

/// <summary>A move between grids waiting for (or decided by) the other side.</summary>
public sealed record MoveRequestView(long Id, DateTimeOffset CreatedAt, string RequestedBy, string Direction, long HouseholdId,
    string RegisterNumber, bool WholeHousehold, IReadOnlyList<MoveMember> People, string FromGrid, string ToGrid, long? ToHouseId,
    long? ToHouseholdId, string Reason, string Status, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason,
    string AwaitingGrid);

public sealed record MoveMember(long PersonId, string Name, string Sex, int Age);

/// <summary>A reconciliation item: raised by a register change (<paramref name="ChangeId"/>) or by a department import (<paramref name="ImportId"/>).</summary>
public sealed record ReconciliationView(long Id, DateTimeOffset CreatedAt, long? ChangeId, long PersonId, string PersonName, string Department,
    string TownshipCode, string Kind, string Detail, string Status, string? ResolvedBy, DateTimeOffset? ResolvedAt, string? Resolution,
    long? ImportId = null);

/// <summary>Freshness of a unit and its children (grids for a village), from the same grid rows at every level.</summary>
public sealed record FreshnessView(string Code, int Households, int Fresh, double Share, int FreshDays, IReadOnlyList<FreshnessChild> Children);

public sealed record FreshnessChild(string Code, string Name, int Households, int Fresh, double Share);

/// <summary>A household due for verification: not verified or changed within the window.</summary>
public sealed record StaleHousehold(long HouseholdId, string RegisterNumber, string GridCode, string BuildingCode, string Address, int Unit,
    string Room, int Members, DateTimeOffset? ConfirmedAt, int RowVersion);

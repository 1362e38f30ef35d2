using System.Text.Json;

namespace GridMap.MapPortal.GeoApi;

public sealed record AccountDto(string Username, string DisplayName, string Role, string Scope, IReadOnlyList<string> Categories, bool CanUnmask, string? Department,
    bool NeedsSecondFactor = false);

public sealed record SecondFactorStateDto(bool Enrolled, bool Pending, bool NeededToUnmask, string? PendingSecret = null, string? PendingKeyUri = null);

public sealed record SecondFactorSecretDto(string Secret, string KeyUri);

public sealed record TokenDto(string AccessToken, string TokenType, int ExpiresIn, AccountDto Account);

public sealed record BuildingHitDto(string Code, string GridCode, string Address, string Use, int Floors, string Matched, double[] Point);

public sealed record ResidentDto(long PersonId, string Name, string Sex, int Age, string Relation, string IdNumber, string? Phone,
    string RegisterType, string PoliticalStatus, IReadOnlyList<string> Groups, int RowVersion = 0);

public sealed record HouseholdDto(string RegisterNumber, string Type, int Members, IReadOnlyList<ResidentDto> Residents, long Id = 0, int RowVersion = 0,
    DateTimeOffset? ConfirmedAt = null, bool Fresh = false);

public sealed record HouseDto(int Unit, string Room, float? AreaM2, IReadOnlyList<HouseholdDto> Households, long Id = 0, bool Vacant = false, int RowVersion = 0);

public sealed record BuildingCardDto(string Code, string GridCode, string Address, string Road, string HouseNumber, string Use, int Floors,
    bool Synthetic, JsonElement Geometry, int Households, int Residents, bool ResidentsShown, IReadOnlyList<HouseDto> Houses)
{
    public int RowVersion { get; init; }
}

public sealed record UnmaskedDto(long PersonId, string IdNumber, string? Phone);

public sealed record VisitDueDto(long RecordId, string Group, string Department, int RiskLevel, DateOnly NextVisitDue, int VisitCadenceDays,
    long PersonId, string Name, string Sex, int Age, string IdNumber, string GridCode, string? BuildingCode);

public sealed record AuditEntryDto(long Seq, DateTimeOffset At, string Actor, string Action, string Subject, string Purpose, string Detail, string PrevHash, string Hash);

public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Entries, long? Next);

public sealed record AuditBreakDto(long Seq, string Reason);

public sealed record AuditVerificationDto(long Entries, AuditBreakDto? Break, bool Intact);

public sealed record GridPopulationDto(int Buildings, int Households, int People);

public sealed record ImportIssueDto(int Line, string Kind, string? IdMasked, string Reason);

public sealed record ImportReportDto(long ImportId, int Total, int Inserted, int Updated, int Unchanged, int Unmatched, int Conflicting, int Invalid,
    double Seconds, IReadOnlyList<ImportIssueDto> Issues)
{
    public int PlaceChecked { get; init; }

    public int PlacedElsewhere { get; init; }
}

public sealed record ImportStatusDto(long Id, string Department, string FileName, string FileSha256, string Account, string Status, int TotalRows,
    int ProcessedRows, int Inserted, int Updated, int Unchanged, int Unmatched, int Conflicting, int Invalid, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public int PlaceChecked { get; init; }

    public int PlacedElsewhere { get; init; }
}

public sealed record FreshnessChildDto(string Code, string Name, int Households, int Fresh, double Share);

public sealed record FreshnessDto(string Code, int Households, int Fresh, double Share, int FreshDays, IReadOnlyList<FreshnessChildDto> Children);

public sealed record MoveMemberDto(long PersonId, string Name, string Sex, int Age);

public sealed record MoveRequestDto(long Id, DateTimeOffset CreatedAt, string RequestedBy, string Direction, long HouseholdId, string RegisterNumber,
    bool WholeHousehold, IReadOnlyList<MoveMemberDto> People, string FromGrid, string ToGrid, long? ToHouseId, long? ToHouseholdId, string Reason,
    string Status, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, string AwaitingGrid);

public sealed record ReconciliationDto(long Id, DateTimeOffset CreatedAt, long? ChangeId, long PersonId, string PersonName, string Department,
    string TownshipCode, string Kind, string Detail, string Status, string? ResolvedBy, DateTimeOffset? ResolvedAt, string? Resolution);

public sealed record StaleHouseholdDto(long HouseholdId, string RegisterNumber, string GridCode, string BuildingCode, string Address, int Unit,
    string Room, int Members, DateTimeOffset? ConfirmedAt, int RowVersion);

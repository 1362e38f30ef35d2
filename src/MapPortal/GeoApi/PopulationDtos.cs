using System.Text.Json;

namespace GridMap.MapPortal.GeoApi;

public sealed record AccountDto(string Username, string DisplayName, string Role, string Scope, IReadOnlyList<string> Categories, bool CanUnmask, string? Department);

public sealed record TokenDto(string AccessToken, string TokenType, int ExpiresIn, AccountDto Account);

public sealed record BuildingHitDto(string Code, string GridCode, string Address, string Use, int Floors, string Matched, double[] Point);

public sealed record ResidentDto(long PersonId, string Name, string Sex, int Age, string Relation, string IdNumber, string? Phone,
    string RegisterType, string PoliticalStatus, IReadOnlyList<string> Groups);

public sealed record HouseholdDto(string RegisterNumber, string Type, int Members, IReadOnlyList<ResidentDto> Residents);

public sealed record HouseDto(int Unit, string Room, float? AreaM2, IReadOnlyList<HouseholdDto> Households);

public sealed record BuildingCardDto(string Code, string GridCode, string Address, string Road, string HouseNumber, string Use, int Floors,
    bool Synthetic, JsonElement Geometry, int Households, int Residents, bool ResidentsShown, IReadOnlyList<HouseDto> Houses);

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

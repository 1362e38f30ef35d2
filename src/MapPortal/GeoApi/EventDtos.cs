namespace GridMap.MapPortal.GeoApi;

/// <summary>One event on the command centre's list and live map (GeoApi's EventSummary).</summary>
public sealed record EventSummaryDto(
    long Id, string TrackingNo, string Category, string CategoryName, string Major, string MajorName, string State, string Grid,
    double[] Point, DateTimeOffset? Due, string Deadline, DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, string OwnerUnit,
    string? OwnerDepartment, int Version, string Summary, bool Urgent)
{
    public bool IsFinished => State is "Closed" or "Voided" or "Rejected";

    /// <summary>The level that owns the current step, as the events API's level filter counts it (3 county … 6 grid; a department is county level).</summary>
    public int OwnerLevel => OwnerDepartment is not null ? 3 : OwnerUnit.Length switch { 6 => 3, 9 => 4, 12 => 5, 15 => 6, _ => 2 };
}

public sealed record StepOwnerDto(string Unit, string UnitName, int Level, string? Department);

public sealed record HistoryLineDto(int Seq, DateTimeOffset At, string Actor, string? ActorUnit, string? ActorDepartment, string Action, string From,
    string To, string? Reason, string OwnerUnit, string? OwnerDepartment, DateTimeOffset? Due);

/// <summary>The event card as the command centre shows it (a subset of GeoApi's EventCard).</summary>
public sealed record EventCardDto(
    long Id, string TrackingNo, string Channel, string Category, string CategoryName, string MajorName, bool Urgent, string Grid,
    double[] Point, string? Address, string Description, string Reporter, string State, StepOwnerDto Owner, StepOwnerDto? Handler,
    DateTimeOffset? Due, string Deadline, DateTimeOffset ReportedAt, DateTimeOffset? FinishedAt, int Version, int Supervisions,
    IReadOnlyList<string> Actions, IReadOnlyList<HistoryLineDto> History);

public sealed record ReplayStepDto(long EventId, string TrackingNo, int Seq, DateTimeOffset At, string Action, string State, string Category, double[] Point);

public sealed record EventCategoryDto(string Code, string MajorName, string Name, string NameEn, bool Urgent);

namespace GridMap.MapPortal.GeoApi;

public sealed record EventCategoryDto(string Code, string MajorName, string Name, string NameEn, bool Urgent, int HandleWorkingDays,
    bool MinorOnTheSpot, string? Department, int CompetentLevel)
{
    public string Major => Code[..2];
}

/// <summary>One event on the command centre's list and live map (GeoApi's EventSummary).</summary>
public sealed record EventSummaryDto(
    long Id, string TrackingNo, string Category, string CategoryName, string Major, string MajorName, string State, string Grid,
    double[] Point, DateTimeOffset? Due, string Deadline, DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, string OwnerUnit,
    string? OwnerDepartment, int Version, string Summary, bool Urgent, string? Holder = null)
{
    public bool IsFinished => State is "Closed" or "Voided" or "Rejected";

    /// <summary>The level that owns the current step, as the events API's level filter counts it (3 county … 6 grid; a department is county level).</summary>
    public int OwnerLevel => OwnerDepartment is not null ? 3 : OwnerUnit.Length switch { 6 => 3, 9 => 4, 12 => 5, 15 => 6, _ => 2 };
}

public sealed record StepOwnerDto(string Unit, string UnitName, int Level, string? Department);

public sealed record RoutingDto(int CompetentLevel, string CompetentUnit, string? Department, IReadOnlyList<string> Functions);

public sealed record HistoryLineDto(int Seq, DateTimeOffset At, string Actor, string? ActorUnit, string? ActorDepartment, string Action, string From,
    string To, string? Reason, string OwnerUnit, string? OwnerDepartment, DateTimeOffset? Due, string Hash);

/// <summary>The event card as GeoApi shows it to the signed-in person; <see cref="Actions"/> are what that person may do now.</summary>
public sealed record EventCardDto(
    long Id, string TrackingNo, string Channel, string Category, string CategoryName, string MajorName, bool Urgent,
    string Grid, string Village, string Township, string County, double[] Point, string? BuildingCode, string? Address,
    string Description, string Reporter, string? ContactName, string? ContactPhone, long? DuplicateOf, string State,
    StepOwnerDto Owner, StepOwnerDto? Handler, DateTimeOffset? Due, string Deadline, DateTimeOffset ReportedAt,
    DateTimeOffset? CloseDue, DateTimeOffset? FinishedAt, int? ResolutionLevel, int Version, int Supervisions,
    string? PendingExtension, string? PendingVoidReason, RoutingDto Routing, IReadOnlyList<string> Actions,
    IReadOnlyList<HistoryLineDto> History, bool ChainIntact)
{
    public bool IsFinished => State is "Closed" or "Voided" or "Rejected";

    /// <summary>Who holds the current step (承办人); null while nobody of the owner has taken it.</summary>
    public PersonDto? Holder { get; init; }

    /// <summary>Who the signed-in person may assign the step to.</summary>
    public IReadOnlyList<PersonDto> Assignees { get; init; } = [];

    public DateTimeOffset? SupervisionAnswerDue { get; init; }

    public string? SupervisedBy { get; init; }
}

public sealed record PersonDto(string Username, string DisplayName, string Role);

/// <summary>The body of a workflow action; only the fields the action needs are read.</summary>
public sealed record EventActionDto(int Version, string? Reason = null, string? Note = null, bool? Passed = null, string? Level = null,
    string? Department = null, string? Person = null, int? ExtraWorkingDays = null, DateTimeOffset? NewDue = null, bool? AnswerRequired = null);

public sealed record AccountabilityDto(long Id, long EventId, string TrackingNo, string Kind, string? Person, string Unit, string? Department,
    string Grid, string Reason, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, string? ClosedBy, string? Outcome, bool MayClose);

public sealed record InboxItemDto(long Id, string Kind, long? EventId, string Text, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record DueSoonDto(long EventId, string TrackingNo, string Category, string State, DateTimeOffset Due);

public sealed record InboxDto(int Unread, IReadOnlyList<InboxItemDto> Items, IReadOnlyList<DueSoonDto> DueSoon);

public sealed record AccountabilityCountDto(string? Person, int Records, int Open, int Overdue, int Rework, int Named);

public sealed record ReplayStepDto(long EventId, string TrackingNo, int Seq, DateTimeOffset At, string Action, string State, string Category, double[] Point);

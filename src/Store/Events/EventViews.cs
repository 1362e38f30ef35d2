namespace GridMap.Store.Events;

/// <summary>An event type as the report forms and routing see it; <see cref="CompetentLevel"/> is an AdminLevel number.</summary>
public sealed record EventCategoryInfo(string Code, string MajorName, string Name, string NameEn, bool Urgent, int HandleWorkingDays,
    bool MinorOnTheSpot, string? Department, int CompetentLevel);

/// <summary>Where an event came in: the grid manager's phone, the public web form, a hotline clerk, Open311, or a referral.</summary>
public static class EventChannels
{
    public const string Grid = "grid";
    public const string Web = "web";
    public const string Hotline = "hotline";
    public const string Open311 = "open311";
    public const string Referral = "referral";

    public static IReadOnlyList<string> All { get; } = [Grid, Web, Hotline, Open311, Referral];
}

/// <summary>A report as it arrives; a point (longitude, latitude in CGCS2000) or a building from the register places it.</summary>
public sealed record NewReport(
    string Category,
    string Description,
    double? Lon,
    double? Lat,
    string Channel,
    string? IdempotencyKey = null,
    string? BuildingCode = null,
    string? Address = null,
    string? ContactName = null,
    string? ContactPhone = null);

/// <summary>Why intake refused a report: the <see cref="Domain.Problem.Code"/> of its problem.</summary>
public static class IntakeProblem
{
    /// <summary>No such event category (422).</summary>
    public const string UnknownCategory = "intake.unknown-category";
    /// <summary>No point, or a point outside every grid (422).</summary>
    public const string OutsideGrids = "intake.outside-grids";
    /// <summary>The point lies outside the area the caller reports for (403).</summary>
    public const string OutsideArea = "intake.outside-area";
    /// <summary>No such building in the caller's area (404).</summary>
    public const string UnknownBuilding = "intake.unknown-building";
    /// <summary>The caller's role does not report events (403).</summary>
    public const string NotAReporter = "intake.not-a-reporter";
    /// <summary>The intake queue is full: retry shortly with the same idempotency key (503 with Retry-After).</summary>
    public const string Busy = "intake.busy";
}

/// <summary>A taken report: the event (new, or the first one with the same idempotency key) and whether this call created it.</summary>
public sealed record IntakeResult(EventCard Event, bool Created);

/// <summary>
/// A taken report without the card: the event's id and public tracking number, whether this call created it, and the
/// working days its category allows for handling (for the reporter's notice).
/// </summary>
public sealed record IntakeReceipt(long Id, string TrackingNo, bool Created, int HandleWorkingDays);

public sealed record StepOwnerView(string Unit, string UnitName, int Level, string? Department);

/// <summary>Which level and department the catalogue makes competent for the event's category, and the functions behind it.</summary>
public sealed record RoutingView(int CompetentLevel, string CompetentUnit, string? Department, IReadOnlyList<string> Functions);

public sealed record HistoryLine(int Seq, DateTimeOffset At, string Actor, string? ActorUnit, string? ActorDepartment, string Action, string From,
    string To, string? Reason, string OwnerUnit, string? OwnerDepartment, DateTimeOffset? Due, string Hash)
{
    public string PrevHash { get; init; } = "";
}

/// <summary>The full event card for staff: masked contact, owner, deadline, the actions the caller may take, and the history.</summary>
public sealed record EventCard(
    long Id,
    string TrackingNo,
    string Channel,
    string Category,
    string CategoryName,
    string MajorName,
    bool Urgent,
    string Grid,
    string Village,
    string Township,
    string County,
    double[] Point,
    string? BuildingCode,
    string? Address,
    string Description,
    string Reporter,
    string? ContactName,
    string? ContactPhone,
    long? DuplicateOf,
    string State,
    StepOwnerView Owner,
    StepOwnerView? Handler,
    DateTimeOffset? Due,
    string Deadline,
    DateTimeOffset ReportedAt,
    DateTimeOffset? CloseDue,
    DateTimeOffset? FinishedAt,
    int? ResolutionLevel,
    int Version,
    int Supervisions,
    string? PendingExtension,
    string? PendingVoidReason,
    RoutingView Routing,
    IReadOnlyList<string> Actions,
    IReadOnlyList<HistoryLine> History,
    bool ChainIntact)
{
    /// <summary>Who holds the current step (username), their name and role; null while nobody of the owner has taken it.</summary>
    public PersonView? Holder { get; init; }

    /// <summary>Who the caller may assign the step to (members of the owner), when the caller may assign it.</summary>
    public IReadOnlyList<PersonView> Assignees { get; init; } = [];

    /// <summary>When a supervision (督办) waits for the holder's answer: its deadline.</summary>
    public DateTimeOffset? SupervisionAnswerDue { get; init; }

    public string? SupervisedBy { get; init; }
}

/// <summary>An accountability record (问责): against whom, for what, and how the supervising centre closed it.</summary>
public sealed record AccountabilityView(long Id, long EventId, string TrackingNo, string Kind, string? Person, string Unit, string? Department,
    string Grid, string Reason, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, string? ClosedBy, string? Outcome, bool MayClose);

/// <summary>Accountability records per person in an area: every figure with what it counts.</summary>
public sealed record AccountabilityCount(string? Person, int Records, int Open, int Overdue, int Rework, int Named);

/// <summary>A person named on an event: account, display name, role slug.</summary>
public sealed record PersonView(string Username, string DisplayName, string Role);

/// <summary>One event on a list or the live map.</summary>
public sealed record EventSummary(
    long Id,
    string TrackingNo,
    string Category,
    string CategoryName,
    string Major,
    string MajorName,
    string State,
    string Grid,
    double[] Point,
    DateTimeOffset? Due,
    string Deadline,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt,
    string OwnerUnit,
    string? OwnerDepartment,
    int Version,
    string Summary,
    bool Urgent,
    string? Holder = null);

/// <summary>Filters of the event list; null means any.</summary>
public sealed record EventFilter(
    string? Category = null,
    IReadOnlyList<string>? States = null,
    bool OpenOnly = false,
    int? OwnerLevel = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? UpdatedSince = null,
    double[]? Bbox = null,
    int Limit = 500,
    string? Holder = null);

/// <summary>What the public sees: no names, no description, no exact point; steps by the unit that took them.</summary>
public sealed record TrackingView(string TrackingNo, string Category, string CategoryEn, string State, string Village, string Township,
    DateTimeOffset ReportedAt, DateTimeOffset? FinishedAt, DateTimeOffset? Due, IReadOnlyList<TrackingStep> Steps)
{
    /// <summary>The role (slug) of the person holding the current step: the public sees that someone holds it, never who.</summary>
    public string? HeldByRole { get; init; }
}

public sealed record TrackingStep(DateTimeOffset At, string Action, string State, string By);

/// <summary>One step of the day replay.</summary>
public sealed record ReplayStep(long EventId, string TrackingNo, int Seq, DateTimeOffset At, string Action, string State, string Category, double[] Point);

/// <summary>One entry of the devolved-function catalogue; <see cref="Level"/> is 4 (township) or 5 (village).</summary>
public sealed record DevolvedFunction(int Id, int Level, string Department, string Name, string? Category, bool Proxy, bool Synthetic);

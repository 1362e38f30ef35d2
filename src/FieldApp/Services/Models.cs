using System.Text.Json;

namespace GridMap.FieldApp.Services;

// What the app reads from GET /api/field/bundle: the own grid as the manager may see it (ID numbers and phones masked
// by the server, as on the portal). Kept on the phone encrypted; nothing of other grids is stored.

public sealed record Bundle(string Account, string Role, GridInfo Grid, List<Card> Buildings, List<Category> Categories,
    List<StaleHousehold> StaleHouseholds, DateTimeOffset SyncedAt, JsonElement? Tiles = null, List<EventTask>? Tasks = null,
    List<MoveTask>? Moves = null, List<VisitDue>? Visits = null, FieldCatalogue? Catalogue = null);

/// <summary>The county's service catalogue (代办 services), kept with the bundle so requests can be taken offline.</summary>
public sealed record FieldCatalogue(int Version, List<FieldService> Services);

public sealed record FieldService(int Key, string Level, string Department, string Name, List<string> Documents, int WorkingDays);

/// <summary>One line of the visit list (走访名单): a special-group record of the grid and when it is due (ID masked).</summary>
public sealed record VisitDue(long RecordId, string Group, int RiskLevel, DateOnly NextVisitDue, int VisitCadenceDays, long PersonId, string Name,
    string Sex, int Age, string? BuildingCode);

/// <summary>
/// A move request waiting for this grid's decision: "out" — another grid sends the people here and this manager
/// chooses their house; "claim" — the grid they moved to asks for this grid's residents.
/// </summary>
public sealed record MoveTask(long Id, DateTimeOffset CreatedAt, string RequestedBy, string Direction, long HouseholdId, string RegisterNumber,
    bool WholeHousehold, List<MoveMember> People, string FromGrid, string ToGrid, string Reason);

public sealed record MoveMember(long PersonId, string Name, string Sex, int Age);

/// <summary>An event of the grid waiting for the manager's on-site check (核查) after its handling was reported done.</summary>
public sealed record EventTask(long Id, string TrackingNo, string CategoryName, string Summary, DateTimeOffset? Due, string Deadline, int Version);

public sealed record GridInfo(string Code, string Name, JsonElement Outline);

public sealed record Card(string Code, string GridCode, string Address, string Use, int Floors, JsonElement Geometry, int Households, int Residents,
    bool ResidentsShown, List<House> Houses, int RowVersion);

public sealed record House(int Unit, string Room, List<Household> Households, long Id, bool Vacant, int RowVersion);

public sealed record Household(string RegisterNumber, string Type, int Members, List<Resident> Residents, long Id, int RowVersion,
    DateTimeOffset? ConfirmedAt, bool Fresh);

public sealed record Resident(long PersonId, string Name, string Sex, int Age, string Relation, string IdNumber, string? Phone, List<string> Groups,
    int RowVersion);

public sealed record Category(string Code, string MajorName, string Name, bool Urgent);

public sealed record StaleHousehold(long HouseholdId, string RegisterNumber, string BuildingCode, string Address, int Unit, string Room, int Members,
    DateTimeOffset? ConfirmedAt, int RowVersion);

/// <summary>The own grid's map tiles kept on the phone: how many of how many, when.</summary>
public sealed record TileCacheState(int Stored, int Failed, int Of);

/// <summary>A photo taken for an action, JPEG in base64.</summary>
public sealed record Photo(string Type, string Data);

/// <summary>A queued action as stored on the phone (encrypted) and shown on the queue page.</summary>
public sealed record QueuedAction(string Key, string Kind, string Title, string Method, string Path, string Body, string? Subject, int? RowVersion,
    DateTimeOffset RecordedAt, List<Photo>? Photos = null, string State = "Waiting", int Attempts = 0, string? Reason = null, string? Current = null,
    long? ResultId = null, string? Field = null)
{
    public long Seq { get; init; }
}

/// <summary>The manager's inbox as last fetched, kept in the vault so it reads offline.</summary>
public sealed record FieldInbox(int Unread, List<FieldInboxItem> Items, DateTimeOffset FetchedAt);

public sealed record FieldInboxItem(long Id, string Kind, long? EventId, string Text, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

using System.Text.Json;

namespace GridMap.MapPortal.GeoApi;

/// <summary>Who holds a village's edit lock and until when (it lapses unless extended).</summary>
public sealed record PlanningLockDto(string Holder, string? HolderName, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);

public sealed record PlanningDraftInfoDto(int DraftVersion, int BaseVersion, string? Author, DateTimeOffset? UpdatedAt);

/// <summary>A village's boundary state for the planning page: the published version, the lock, the draft if any.</summary>
public sealed record PlanningVillageDto(string Village, string Name, int Version, DateTimeOffset? ValidFrom, PlanningLockDto? Lock, PlanningDraftInfoDto? Draft);

/// <summary>A broken topology rule in a draft; <see cref="Location"/> is GeoJSON the map can zoom to.</summary>
public sealed record DraftViolationDto(string Rule, IReadOnlyList<string>? GridCodes, string Message, JsonElement? Location);

public sealed record LineageDto(string Edit, IReadOnlyList<string> From, IReadOnlyList<string> To);

/// <summary>The draft as GeoApi computed it; <see cref="Grids"/> is a FeatureCollection handed to the map as is.</summary>
public sealed record DraftViewDto(string Village, int BaseVersion, int DraftVersion, JsonElement Grids, IReadOnlyList<DraftViolationDto> Violations,
    IReadOnlyList<LineageDto> Lineage, bool CanPublish)
{
    /// <summary>One preview row per proposed grid, in code order.</summary>
    public IReadOnlyList<DraftGridRow> Rows() =>
        Grids.TryGetProperty("features", out var features)
            ? features.EnumerateArray().Select(f => DraftGridRow.From(f.GetProperty("properties"))).OrderBy(r => r.Code, StringComparer.Ordinal).ToList()
            : [];
}

/// <summary>One proposed grid in the live preview: its (future) code, what the draft did to it, and who lives there.</summary>
public sealed record DraftGridRow(string Code, string Status, int Households, int People, int OpenEvents, double AreaM2, IReadOnlyList<string> Warnings)
{
    public bool IsNew => Status == "added";

    public static DraftGridRow From(JsonElement p) => new(
        p.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()! : "",
        Text(p, "status") ?? "kept", Number(p, "households"), Number(p, "people"), Number(p, "openEvents"),
        p.TryGetProperty("areaM2", out var area) && area.ValueKind == JsonValueKind.Number ? area.GetDouble() : 0,
        p.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array ? w.EnumerateArray().Select(x => x.ToString()).ToList() : []);

    private static string? Text(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Number(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}

public sealed record RelinkedDto(int Buildings, int Households, int Events);

public sealed record CarriedManagerDto(string From, string To, string Name);

/// <summary>A grid manager whose grid was retired without one clear successor: someone must reassign them.</summary>
public sealed record FlaggedManagerDto(string From, string Name, string? Username, string? Kind);

/// <summary>Managers carried to a successor grid, and those flagged for reassignment.</summary>
public sealed record ManagersDto(IReadOnlyList<CarriedManagerDto> Carried, IReadOnlyList<FlaggedManagerDto> Flagged);

/// <summary>What a publish did: the new version, codes added and retired, and what was re-linked to the new grids.</summary>
public sealed record PublishResultDto(int Version, DateTimeOffset? ValidFrom, IReadOnlyList<string> Added, IReadOnlyList<string> Retired,
    IReadOnlyList<string> Reshaped, IReadOnlyList<LineageDto> Lineage, RelinkedDto Relinked, ManagersDto Managers);

public sealed record PlanVersionDto(int Version, DateTimeOffset? ValidFrom, string? Author, string? Reason, IReadOnlyList<string> Added,
    IReadOnlyList<string> Retired, IReadOnlyList<string> Reshaped);

/// <summary>
/// One boundary edit as the planning API takes it. The map only collects the drawn coordinates (lon/lat);
/// which grids change and how is decided by GeoApi.
/// </summary>
public sealed record DraftEdit(string Edit, string? Grid = null, string? Other = null, double[][]? Line = null, double[][]? Polygon = null,
    double[]? From = null, double[]? To = null)
{
    public Dictionary<string, object> Body(int draftVersion)
    {
        var body = new Dictionary<string, object> { ["draftVersion"] = draftVersion, ["edit"] = Edit };
        if (Grid is not null)
            body["grid"] = Grid;
        if (Other is not null)
            body["other"] = Other;
        if (Line is not null)
            body["line"] = new { type = "LineString", coordinates = Line };
        if (Polygon is not null)
            body["polygon"] = new { type = "Polygon", coordinates = new[] { Polygon } };
        if (From is not null)
            body["from"] = From;
        if (To is not null)
            body["to"] = To;
        return body;
    }
}

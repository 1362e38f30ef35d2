using System.Text.Json;
using GridMap.MapPortal.GeoApi;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>What a stale publish reports: the published version moved on since the draft's base.</summary>
public sealed record PublishConflict(string Message, int? CurrentVersion, IReadOnlyList<(string Kind, IReadOnlyList<string> Codes)> Changed, IReadOnlyList<string> AlsoEdited);

/// <summary>Reads the extensions of GeoApi's planning problems (RFC 7807 bodies) into what the panels show.</summary>
public static class PlanningProblems
{
    /// <summary>The broken rules of a refused edit or publish; null when the problem lists none.</summary>
    public static List<DraftViolationDto>? Violations(JsonElement? problem)
    {
        if (problem is not { } p || !p.TryGetProperty("violations", out var list) || list.ValueKind != JsonValueKind.Array)
            return null;
        return list.Deserialize<List<DraftViolationDto>>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    public static PublishConflict Conflict(string text, JsonElement? problem)
    {
        int? current = null;
        var changed = new List<(string, IReadOnlyList<string>)>();
        var also = new List<string>();
        if (problem is { } p)
        {
            if (p.TryGetProperty("currentVersion", out var cv) && cv.ValueKind == JsonValueKind.Number)
                current = cv.GetInt32();
            if (p.TryGetProperty("changed", out var ch) && ch.ValueKind == JsonValueKind.Object)
                foreach (var kind in new[] { "added", "retired", "reshaped" })
                    if (ch.TryGetProperty(kind, out var codes) && codes.ValueKind == JsonValueKind.Array && codes.GetArrayLength() > 0)
                        changed.Add((kind, codes.EnumerateArray().Select(c => c.ToString()).ToList()));
            if (p.TryGetProperty("alsoEditedInDraft", out var ae) && ae.ValueKind == JsonValueKind.Array)
                also.AddRange(ae.EnumerateArray().Select(c => c.ToString()));
        }
        return new(text, current, changed, also);
    }

    /// <summary>Every problem of a refused grid file, one line each ("#3 code: message"); null when the problem lists none.</summary>
    public static List<string>? FileProblems(JsonElement? problem)
    {
        if (problem is not { } body || !body.TryGetProperty("problems", out var problems) || problems.ValueKind != JsonValueKind.Array)
            return null;
        return problems.EnumerateArray().Select(p =>
            (p.TryGetProperty("featureIndex", out var i) && i.ValueKind == JsonValueKind.Number ? $"#{i.GetInt32() + 1} " : "") +
            (p.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() + ": " : "") +
            (p.TryGetProperty("message", out var m) ? m.GetString() : "")).ToList();
    }
}

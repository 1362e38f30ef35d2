using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Domain.Proxy;

/// <summary>How a centre deals with a service: 受理 (accepts and reviews, a higher level decides), 办理 (decides), 代办 (acts for the resident).</summary>
public enum ServiceKind
{
    Accept,
    Handle,
    Proxy,
}

/// <summary>
/// One service of a county's devolved catalogue (下放事项 / 便民服务事项): the centre that offers it (township or village),
/// the department it belongs to, the level that decides it, the promised time limit in working days (0: on the spot;
/// null where no source gives one), the documents the resident brings, and the public source it was taken from.
/// </summary>
public sealed record CatalogueService(
    AdminLevel Level,
    string Department,
    string Name,
    ServiceKind Kind,
    AdminLevel CompetentLevel,
    int? TimeLimitDays,
    string? TimeLimitNote,
    IReadOnlyList<string> Documents,
    string Source,
    string? SourceLocality);

/// <summary>What a county's catalogue accepts, and the time a request is given.</summary>
public static class CatalogueRules
{
    public const int MaxDocuments = 30;

    /// <summary>
    /// The time a request gets when the catalogue gives none (chosen): 20 working days, the general limit of
    /// 《中华人民共和国行政许可法》第四十二条 (二十日内作出行政许可决定).
    /// </summary>
    public const int DefaultTimeLimitDays = 20;

    /// <summary>
    /// The working days a handed-over request is given: the catalogue's limit, the default where it has none, and one
    /// working day for an on-the-spot (即办) service, so the desk has the rest of the working day and the next.
    /// </summary>
    public static int WorkingDaysFor(CatalogueService service) => service.TimeLimitDays switch
    {
        null => DefaultTimeLimitDays,
        0 => 1,
        var days => days.Value,
    };

    /// <summary>Null when the service is acceptable, else the field and what is wrong.</summary>
    public static (string Field, string Message)? Check(CatalogueService s) =>
        s.Level is not (AdminLevel.Township or AdminLevel.Village) ? ("level", "A service is offered at a township or a village centre.")
        : !Departments.Government.Contains(s.Department) ? ("department", "The department is one of: " + string.Join(", ", Departments.Government) + ".")
        : string.IsNullOrWhiteSpace(s.Name) || s.Name.Trim().Length is < 2 or > 100 ? ("name", "The service's name has 2–100 characters.")
        : s.CompetentLevel is not (AdminLevel.County or AdminLevel.Township or AdminLevel.Village) || s.CompetentLevel > s.Level
            ? ("competentLevel", "The deciding level is the offering centre's own or above it: village, township or county.")
        : s.TimeLimitDays is < 0 or > 365 ? ("timeLimitDays", "The time limit is 0 (on the spot) to 365 working days, or none.")
        : s.TimeLimitNote is { Length: > 500 } ? ("timeLimitNote", "The time limit's note has at most 500 characters.")
        : s.Documents.Count > MaxDocuments ? ("documents", $"At most {MaxDocuments} documents.")
        : s.Documents.Any(d => string.IsNullOrWhiteSpace(d) || d.Trim().Length > 100) ? ("documents", "Every document has a name of 1–100 characters.")
        : s.Documents.Select(d => d.Trim()).Distinct().Count() != s.Documents.Count ? ("documents", "A document is listed once.")
        : string.IsNullOrWhiteSpace(s.Source) || s.Source.Trim().Length is < 2 or > 2000
            ? ("source", "Cite where the service comes from (the list or regulation and its address), 2–2000 characters.")
        : s.SourceLocality is { Length: > 200 } ? ("sourceLocality", "The source's place has at most 200 characters.")
        : null;

    /// <summary>The service with its text trimmed.</summary>
    public static CatalogueService Normalise(CatalogueService s) => s with
    {
        Name = s.Name.Trim(),
        Documents = [.. s.Documents.Select(d => d.Trim())],
        Source = s.Source.Trim(),
        SourceLocality = string.IsNullOrWhiteSpace(s.SourceLocality) ? null : s.SourceLocality.Trim(),
        TimeLimitNote = string.IsNullOrWhiteSpace(s.TimeLimitNote) ? null : s.TimeLimitNote.Trim(),
    };

    public static string Slug(this ServiceKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The kind as the public lists write it.</summary>
    public static ServiceKind? FromChinese(string text) => text.Trim() switch
    {
        "受理" => ServiceKind.Accept,
        "办理" => ServiceKind.Handle,
        "代办" => ServiceKind.Proxy,
        _ => null,
    };
}

using GridMap.Domain.People;

namespace GridMap.Store.Imports;

/// <summary>A column of a department list, by its English and Chinese header names.</summary>
public sealed record ListColumn(string Name, string NameZh, bool Required);

/// <summary>
/// The file a department sends: CSV in UTF-8 (with or without BOM), a header row, one row per person and group.
/// Each department lists only its own groups; public security also sends the household register (group
/// <c>household_register</c> with a <c>register_type</c>), which sets the person's register type, and health its death
/// reports (group <c>death_report</c>), which raise reconciliation items where the register still has the person living.
/// </summary>
public static class DepartmentListFormat
{
    public const string HouseholdRegister = "household_register";
    public const string HouseholdRegisterNameZh = "户籍登记";

    /// <summary>The health department's death reports: the date column holds the date of death; no risk level.</summary>
    public const string DeathReport = "death_report";
    public const string DeathReportNameZh = "死亡登记";
    public const int MaxNameLength = 50;
    public const int MaxNoteLength = 500;
    public const int MaxAddressLength = 200;

    public static readonly ListColumn IdNumber = new("id_number", "身份证号", true);
    public static readonly ListColumn Name = new("name", "姓名", true);
    public static readonly ListColumn Group = new("group", "类别", true);
    public static readonly ListColumn RiskLevel = new("risk_level", "风险等级", true);
    public static readonly ListColumn RegisteredOn = new("registered_on", "登记日期", true);
    public static readonly ListColumn Note = new("note", "备注", false);
    public static readonly ListColumn RegisterType = new("register_type", "户籍类型", false);

    /// <summary>Where the department has the person: a village code, GridMap's (2016) or the 2023 statistical one.</summary>
    public static readonly ListColumn VillageCode = new("village_code", "村（社区）代码", false);

    /// <summary>The person's address as the department has it; places a row whose 2023 code covers several villages.</summary>
    public static readonly ListColumn Address = new("address", "住址", false);

    public static IReadOnlyList<ListColumn> Columns { get; } = [IdNumber, Name, Group, RiskLevel, RegisteredOn, Note, RegisterType, VillageCode, Address];

    /// <summary>The list codes a department may send: its special groups, and the household register for public security.</summary>
    public static IReadOnlyList<string> ListsOf(string department) =>
        [.. Departments.GroupsOf(department).Select(g => g.Code), .. department == Departments.PublicSecurity ? [HouseholdRegister] : Array.Empty<string>(),
            .. department == Departments.Health ? [DeathReport] : Array.Empty<string>()];

    /// <summary>The English header, with <c>register_type</c> for public security (the optional place columns left out).</summary>
    public static string Header(string department) =>
        string.Join(',', Columns.Where(c => (c != RegisterType || department == Departments.PublicSecurity) && c != VillageCode && c != Address)
            .Select(c => c.Name));

    /// <summary>RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled.</summary>
    public static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}

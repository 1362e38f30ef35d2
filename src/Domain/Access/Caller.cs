using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Domain.Access;

/// <summary>
/// The account behind a request, as every store query sees it: the area it may read (an admin-unit or grid code;
/// everything whose code starts with it), the data categories it holds and whether it may unmask.
/// </summary>
public sealed record Caller(string Username, Role Role, AdminCode Scope, IReadOnlySet<DataCategory> Categories, bool CanUnmask, string? Department)
{
    public bool Covers(string code) => code.StartsWith(Scope.Value, StringComparison.Ordinal);

    public bool Holds(DataCategory category) => Categories.Contains(category);

    public bool MayRead(SpecialGroup group) => Holds(group.Category) && (Role != Role.DepartmentOfficer || group.Department == Department);

    /// <summary>The special-group codes this caller may read.</summary>
    public IReadOnlyList<string> ReadableGroups => SpecialGroup.All.Where(MayRead).Select(g => g.Code).ToArray();

    public bool MayImport(string department) =>
        Role == Role.Admin || (Role == Role.DepartmentOfficer && Department == department);

    public bool MayReadAudit => Role is Role.Auditor;

    public bool MayRecordVisits => Role is Role.GridManager or Role.VillageStaff or Role.TownshipStaff or Role.DepartmentOfficer;
}

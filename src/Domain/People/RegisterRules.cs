using GridMap.Domain.Access;

namespace GridMap.Domain.People;

/// <summary>
/// Who may change the population register and what a change must carry (issue 15). Grid managers write in their own
/// grid, village, township and county staff in their area; departments never write residents (their lists meet the
/// register through imports and reconciliation items). Correcting what someone else recorded — identity fields, a
/// wrong change — is village and township staff's, with a stated reason.
/// </summary>
public static class RegisterRules
{
    public const int MinReason = 2;
    public const int MaxReason = 500;
    public const int MaxNameLength = 50;

    /// <summary>How far (metres) the device may be from the building when verifying a household without a reason.</summary>
    public const double VerifyRadiusMetres = 100;

    public static readonly IReadOnlyList<string> Relations =
        ["head", "spouse", "child", "child_in_law", "grandchild", "parent", "grandparent", "sibling", "other"];

    public static readonly IReadOnlyList<string> PoliticalStatuses =
        ["masses", "party_member", "probationary_member", "league_member", "other_party"];

    public static readonly IReadOnlyList<string> BuildingUses = ["residential", "mixed", "commercial", "public", "other"];

    public static bool MayWriteRegister(this Caller caller) =>
        caller.Role is Role.GridManager or Role.VillageStaff or Role.TownshipStaff or Role.CountyStaff && caller.Holds(DataCategory.Residents);

    public static bool MayCorrectRegister(this Caller caller) =>
        caller.Role is Role.VillageStaff or Role.TownshipStaff && caller.Holds(DataCategory.Residents);

    /// <summary>A change's reason, trimmed, or the problem naming the field.</summary>
    public static Outcome<string> Reason(string? reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length is < MinReason or > MaxReason)
            return Field("reason", $"Every register change states its reason ({MinReason}–{MaxReason} characters).");
        if (trimmed.Any(char.IsControl))
            return Field("reason", "The reason has control characters.");
        return Outcome.Ok(trimmed);
    }

    /// <summary>A person as a change describes them, checked: the ID number (GB 11643) agrees with the birth date and sex.</summary>
    public static Outcome<PersonFacts> Person(string? idNumber, string? name, string? sex, DateOnly? birthDate, string? phone,
        string? politicalStatus, string? registerType, DateOnly today)
    {
        if (!IdNumber.TryParse(idNumber?.Trim(), today, out var id, out var error))
            return Field("idNumber", $"The ID number is not valid: {error}");
        var trimmedName = name?.Trim() ?? "";
        if (trimmedName.Length is < 1 or > MaxNameLength || trimmedName.Any(c => char.IsControl(c) || char.IsDigit(c)))
            return Field("name", $"A name has 1–{MaxNameLength} characters and no digits.");
        var birth = birthDate ?? id.BirthDate;
        if (birth > today)
            return Field("birthDate", "The birth date is in the future.");
        if (birth != id.BirthDate)
            return Field("birthDate", $"The birth date {birth:yyyy-MM-dd} is not the one in the ID number ({id.BirthDate:yyyy-MM-dd}).");
        var idSex = id.IsMale ? "M" : "F";
        if (sex is not null && sex != idSex)
            return Field("sex", $"Sex is M or F and agrees with the ID number's 17th digit ({idSex}).");
        if (phone is not null && !(phone.Length == 11 && phone[0] == '1' && phone.All(char.IsAsciiDigit)))
            return Field("phone", "A phone is an 11-digit mobile number starting with 1.");
        var status = politicalStatus ?? "masses";
        if (!PoliticalStatuses.Contains(status))
            return Field("politicalStatus", $"politicalStatus is one of {string.Join(", ", PoliticalStatuses)}.");
        var register = registerType is null ? RegisterTypes.Registered : RegisterTypes.Find(registerType);
        if (register is null)
            return Field("registerType", $"registerType is one of {string.Join(", ", RegisterTypes.All)}.");
        return Outcome.Ok(new PersonFacts(id.Value, trimmedName, idSex, birth, phone, status, register));
    }

    public static Outcome<string> Relation(string? relation, string field = "relation") =>
        relation is not null && Relations.Contains(relation)
            ? Outcome.Ok(relation)
            : Field(field, $"{field} is one of {string.Join(", ", Relations)}.");

    /// <summary>A refusal naming the request field at fault (problem+json member <c>field</c>).</summary>
    public static Problem Field(string field, string message) =>
        Problem.Invalid(message) with { Extensions = new Dictionary<string, object?> { ["field"] = field } };

    /// <summary>A change based on an old row version: 409 with the record as it is now.</summary>
    public static Problem Stale(string subject, int sentVersion, int currentVersion, object? current) =>
        Problem.Conflict($"{subject} changed since you read it (you sent version {sentVersion}, it is at {currentVersion}); reload and try again.",
            new Dictionary<string, object?> { ["field"] = "rowVersion", ["currentVersion"] = currentVersion, ["current"] = current });

    /// <summary>Whether a household last confirmed at <paramref name="confirmedAt"/> is fresh at <paramref name="now"/>.</summary>
    public static bool IsFresh(DateTimeOffset? confirmedAt, DateTimeOffset now, int freshDays) =>
        confirmedAt is { } at && at > now.AddDays(-freshDays);
}

/// <summary>A person's facts as checked by <see cref="RegisterRules.Person"/>.</summary>
public sealed record PersonFacts(string IdNumber, string Name, string Sex, DateOnly BirthDate, string? Phone, string PoliticalStatus, string RegisterType);

/// <summary>Fresh households out of households, for a grid or any unit above it (sums of grid figures).</summary>
public sealed record Freshness(int Households, int Fresh)
{
    /// <summary>The share in [0, 1]; 0 when there are no households.</summary>
    public double Share => Households == 0 ? 0 : (double)Fresh / Households;
}

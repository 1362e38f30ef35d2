using GridMap.Domain.Access;

namespace GridMap.Domain.Villages;

/// <summary>A wedding or a funeral (红白事) the village committee serves.</summary>
public enum CeremonyKind
{
    Wedding,
    Funeral,
}

/// <summary>What happens to a village contract at its end: nothing, renewal with the same party, or a new tender.</summary>
public enum ContractRenewal
{
    None,
    Renew,
    Tender,
}

public sealed record NewCeremony(CeremonyKind Kind, DateOnly HeldOn, string Family, int Tables, string Service, string? Note);

public sealed record NewContract(string Party, string Subject, DateOnly StartsOn, DateOnly EndsOn, decimal AmountYuan, ContractRenewal Renewal);

/// <summary>
/// The village committee's registers (民事管理: 红白事服务, 合同管理): who keeps them, what they must hold, and the village
/// rules' scale limits a ceremony is checked against.
/// </summary>
public static class VillageAffairs
{
    /// <summary>
    /// The scale the village rules (村规民约) allow, in tables: chosen defaults in the spirit of the 红白理事会 rules that
    /// cap banquets (weddings 20, funerals 15); a village with other rules is where this becomes data.
    /// </summary>
    public static int TableLimit(CeremonyKind kind) => kind == CeremonyKind.Wedding ? 20 : 15;

    public static bool WithinRules(NewCeremony ceremony) => ceremony.Tables <= TableLimit(ceremony.Kind);

    /// <summary>How many days before its end a contract is announced in the village staff's inbox.</summary>
    public const int ReminderDays = 30;

    /// <summary>Village staff keep their village's registers; township and county centres of the area too.</summary>
    public static bool MayKeep(Caller caller, string village) =>
        caller.Role is Role.VillageStaff or Role.TownshipStaff or Role.CountyStaff && caller.Covers(village);

    /// <summary>Grid managers of the village and the centres above read them.</summary>
    public static bool MayRead(Caller caller, string village) =>
        MayKeep(caller, village) || caller.Role is Role.GridManager && caller.Scope.Value.StartsWith(village, StringComparison.Ordinal)
        || caller.Role is Role.CityStaff or Role.ProvinceStaff && caller.Covers(village);

    public static (string Field, string Message)? Check(NewCeremony c) =>
        string.IsNullOrWhiteSpace(c.Family) || c.Family.Trim().Length > 50 ? ("family", "The family (户主) has 1–50 characters.")
        : c.Tables is < 0 or > 500 ? ("tables", "Tables are 0–500.")
        : string.IsNullOrWhiteSpace(c.Service) || c.Service.Trim().Length > 500 ? ("service", "Say what the committee did (1–500 characters).")
        : c.Note is { Length: > 500 } ? ("note", "A note has at most 500 characters.")
        : null;

    public static (string Field, string Message)? Check(NewContract c) =>
        string.IsNullOrWhiteSpace(c.Party) || c.Party.Trim().Length > 100 ? ("party", "The other party has 1–100 characters.")
        : string.IsNullOrWhiteSpace(c.Subject) || c.Subject.Trim().Length > 200 ? ("subject", "The subject has 1–200 characters.")
        : c.EndsOn < c.StartsOn ? ("endsOn", "The contract ends before it starts.")
        : c.AmountYuan < 0 || c.AmountYuan > 999_999_999_999m ? ("amountYuan", "The amount is 0 or more yuan.")
        : null;
}

using GridMap.Domain.Access;

namespace GridMap.Domain.People;

/// <summary>
/// A special group (特殊人群) and the department that reports it: its data category (what an account must hold to
/// read it) and how often the grid manager visits (走访) by default.
/// </summary>
public sealed record SpecialGroup(string Code, string Department, DataCategory Category, int VisitCadenceDays, string NameZh, string NameEn)
{
    public static readonly SpecialGroup LowIncome = new("low_income", Departments.CivilAffairs, DataCategory.Welfare, 90, "低保对象", "Low-income assistance");
    public static readonly SpecialGroup SocialSecurity = new("social_security", Departments.SocialSecurity, DataCategory.Welfare, 180, "养老/失业保障", "Pension / unemployment");
    public static readonly SpecialGroup MentalHealth = new("mental_health", Departments.Health, DataCategory.Health, 30, "严重精神障碍患者", "Severe mental disorder");
    public static readonly SpecialGroup Birth = new("birth", Departments.Health, DataCategory.Health, 90, "新生儿", "Birth");
    public static readonly SpecialGroup DrugUser = new("drug_user", Departments.PublicSecurity, DataCategory.PublicSecurity, 30, "吸毒人员", "Drug user");
    public static readonly SpecialGroup ReleasedPrisoner = new("released_prisoner", Departments.Justice, DataCategory.Justice, 90, "刑满释放人员", "Released prisoner");
    public static readonly SpecialGroup CommunityCorrection = new("community_correction", Departments.Justice, DataCategory.Justice, 7, "社区矫正人员", "Community correction");

    public static IReadOnlyList<SpecialGroup> All { get; } =
        [LowIncome, SocialSecurity, MentalHealth, Birth, DrugUser, ReleasedPrisoner, CommunityCorrection];

    public static SpecialGroup? Find(string? code) => All.FirstOrDefault(g => g.Code == code);
}

/// <summary>The departments whose lists are merged onto people, by their slug in URLs and files.</summary>
public static class Departments
{
    public const string CivilAffairs = "civil-affairs";
    public const string SocialSecurity = "social-security";
    public const string Health = "health";
    public const string PublicSecurity = "public-security";
    public const string Justice = "justice";

    public static IReadOnlyList<string> All { get; } = [CivilAffairs, SocialSecurity, Health, PublicSecurity, Justice];

    public const string UrbanManagement = "urban-management";
    public const string Emergency = "emergency";

    /// <summary>
    /// Every county department an officer account may belong to: the five that keep population registers above, and
    /// the others that events are dispatched to (the devolved-function catalogue in db/migrations/0009 uses the same slugs).
    /// </summary>
    public static IReadOnlyList<string> Government { get; } =
    [
        .. All, UrbanManagement, Emergency, "natural-resources", "housing", "market-regulation", "ecology", "agriculture",
        "education", "medical-insurance", "veterans", "disabled", "water", "transport", "culture", "forestry", "statistics",
        "tax", "women", "youth", "petition", "ethnic-religion",
    ];

    public static IEnumerable<SpecialGroup> GroupsOf(string department) => SpecialGroup.All.Where(g => g.Department == department);
}

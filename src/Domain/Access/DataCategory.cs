namespace GridMap.Domain.Access;

/// <summary>
/// What kind of data an account may read. Buildings carry no personal data; residents are the household register;
/// the others are special groups, one category per reporting department's duty (PIPL art. 28: health and
/// criminal records are sensitive).
/// </summary>
public enum DataCategory
{
    Buildings,
    Residents,
    Welfare,
    Health,
    PublicSecurity,
    Justice,
}

public static class DataCategories
{
    public static string Slug(this DataCategory category) => category switch
    {
        DataCategory.PublicSecurity => "public_security",
        _ => category.ToString().ToLowerInvariant(),
    };

    public static DataCategory? FromSlug(string slug) =>
        Enum.GetValues<DataCategory>().Cast<DataCategory?>().FirstOrDefault(c => c!.Value.Slug() == slug);

    public static IReadOnlyList<DataCategory> SpecialGroups { get; } =
        [DataCategory.Welfare, DataCategory.Health, DataCategory.PublicSecurity, DataCategory.Justice];
}

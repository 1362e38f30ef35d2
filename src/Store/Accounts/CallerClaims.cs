using System.Security.Claims;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;

namespace GridMap.Store.Accounts;

/// <summary>Carries a <see cref="Caller"/> in a ClaimsPrincipal (bearer token, portal cookie) and back.</summary>
public static class CallerClaims
{
    public const string RoleType = "gm:role";
    public const string ScopeType = "gm:scope";
    public const string CategoryType = "gm:category";
    public const string UnmaskType = "gm:unmask";
    public const string DepartmentType = "gm:department";
    public const string DisplayNameType = "gm:display_name";

    /// <summary>Present when the account may unmask but this session was signed in without its second factor.</summary>
    public const string NeedsSecondFactorType = "gm:needs_second_factor";

    public static IEnumerable<Claim> For(Account account)
    {
        yield return new Claim(ClaimTypes.Name, account.Username);
        yield return new Claim(DisplayNameType, account.DisplayName);
        yield return new Claim(RoleType, account.Role.Slug());
        yield return new Claim(ClaimTypes.Role, account.Role.Slug());
        yield return new Claim(ScopeType, account.Scope.Value);
        yield return new Claim(UnmaskType, account.CanUnmask ? "true" : "false");
        foreach (var category in account.Categories)
            yield return new Claim(CategoryType, category.Slug());
        if (account.Department is { } department)
            yield return new Claim(DepartmentType, department);
        if (account.NeedsSecondFactor)
            yield return new Claim(NeedsSecondFactorType, "true");
    }

    /// <summary>The caller of an authenticated principal; null for anonymous or incomplete principals.</summary>
    public static Caller? ToCaller(this ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || principal.FindFirstValue(ClaimTypes.Name) is not { } name
            || Roles.FromSlug(principal.FindFirstValue(RoleType)) is not { } role
            || !AdminCode.TryParse(principal.FindFirstValue(ScopeType), out var scope, out _))
            return null;
        var categories = principal.FindAll(CategoryType).Select(c => DataCategories.FromSlug(c.Value)).OfType<DataCategory>().ToHashSet();
        return new Caller(name, role, scope, categories, principal.FindFirstValue(UnmaskType) == "true", principal.FindFirstValue(DepartmentType));
    }
}

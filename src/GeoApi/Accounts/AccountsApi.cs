using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Accounts;

/// <summary>
/// The administrator's accounts: find, open (with a one-time password) and move to another role and area; the security
/// actions (disable, enable, unlock, new password, second-factor reset) are beside sign-in in AuthApi. Administrators
/// only; every change audited.
/// </summary>
public static class AccountsApi
{
    public const int MaxListed = 200;

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/accounts").WithTags("Accounts").RequireAuthorization(p => p.RequireRole(Role.Admin.Slug())).WithSmallBody();
        accounts.MapGet("/", List)
            .WithSummary($"Accounts whose username or name contains q, of a role, under an area (?q=&role=&area=&limit≤{MaxListed}), with their lock and second-factor state.")
            .ProducesProblem(400);
        accounts.MapPost("/", Open).DisableAntiforgery()
            .WithSummary("Open an account ({username, displayName, role, scope, department?, phone?}); its one-time password is in the answer, once.")
            .ProducesProblem(400).ProducesProblem(409);
        accounts.MapPost("/{username}/role", ChangeRole).DisableAntiforgery()
            .WithSummary("Move an account to another role and area ({role, scope, department?}): categories follow the role; its tokens are revoked.")
            .ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    public sealed record OpenRequest(string? Username, string? DisplayName, string? Role, string? Scope, string? Department, string? Phone);

    public sealed record RoleRequest(string? Role, string? Scope, string? Department);

    public static async Task<Results<Ok<IReadOnlyList<AccountSummary>>, ProblemHttpResult>> List(string? q, string? role, string? area, int? limit,
        AccountStore store, CancellationToken ct)
    {
        if (q is { Length: > 50 })
            return ApiProblems.BadRequest("q has at most 50 characters.");
        Role? wanted = null;
        if (role is not null && (wanted = Roles.FromSlug(role)) is null)
            return ApiProblems.BadRequest($"role is one of {string.Join(", ", Enum.GetValues<Role>().Select(r => r.Slug()))}.");
        if (area is not null && !AdminCode.TryParse(area, out _, out _))
            return ApiProblems.BadRequest($"'{CodeRoute.Truncate(area)}' is not a unit or grid code.");
        if (limit is < 1 or > MaxListed)
            return ApiProblems.BadRequest($"limit is 1–{MaxListed}.");
        return TypedResults.Ok(await store.SearchAsync(q, wanted, area, limit ?? 50, ct));
    }

    public static async Task<Results<Created<OpenedAccount>, ProblemHttpResult>> Open(OpenRequest? body, HttpContext http, AccountStore store, CancellationToken ct)
    {
        if (body is null)
            return ApiProblems.BadRequest("Send JSON {\"username\", \"displayName\", \"role\", \"scope\", \"department\"?, \"phone\"?}.");
        if (!TryRoleAndScope(body.Role, body.Scope, out var role, out var scope, out var problem))
            return problem!;
        var opened = await store.OpenAsync(RequestCaller.Get(http).Username, body.Username ?? "", body.DisplayName ?? "", role, scope,
            string.IsNullOrWhiteSpace(body.Department) ? null : body.Department, string.IsNullOrWhiteSpace(body.Phone) ? null : body.Phone, ct);
        return opened.Succeeded
            ? TypedResults.Created($"/api/accounts?q={Uri.EscapeDataString(opened.Value!.Account.Username)}", opened.Value)
            : opened.Problem!.ToProblem(http.Response);
    }

    public static async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> ChangeRole(string username, RoleRequest? body, HttpContext http, AccountStore store,
        CancellationToken ct)
    {
        if (username.Length > 40)
            return ApiProblems.NotFound("No such account.");
        if (!TryRoleAndScope(body?.Role, body?.Scope, out var role, out var scope, out var problem))
            return problem!;
        var changed = await store.ChangeRoleAsync(RequestCaller.Get(http).Username, username, role, scope,
            string.IsNullOrWhiteSpace(body!.Department) ? null : body.Department, ct);
        if (changed.Succeeded)
            GridMap.Hosting.Authentication.TokenAuthenticationHandler.ForgetAccount(username);
        return changed.ToResult(http.Response);
    }

    private static bool TryRoleAndScope(string? roleSlug, string? scopeText, out Role role, out AdminCode scope, out ProblemHttpResult? problem)
    {
        role = default;
        scope = default;
        problem = null;
        if (Roles.FromSlug(roleSlug) is not { } r)
            problem = ApiProblems.InvalidField("role", $"role is one of {string.Join(", ", Enum.GetValues<Role>().Select(x => x.Slug()))}.");
        else if (!AdminCode.TryParse(scopeText ?? "", out scope, out var error))
            problem = ApiProblems.InvalidField("scope", $"scope '{CodeRoute.Truncate(scopeText ?? "")}' is not a unit or grid code: {error}");
        else
            role = r;
        return problem is null;
    }
}

using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GridMap.GeoApi.Auth;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueToken).WithTags("Auth").AllowAnonymous().DisableAntiforgery().WithSmallBody()
            .WithSummary("Exchange a username and password (JSON, or an OAuth2 password-grant form) for a bearer token.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapGet("/api/auth/me", Me).WithTags("Auth").RequireAuthorization()
            .WithSummary("The signed-in account: role, area scope, data categories, unmask permission.");
        app.MapPost("/api/auth/logout", Logout).WithTags("Auth").RequireAuthorization()
            .WithSummary("Revoke the bearer token of this request.");
        return app;
    }

    public sealed record TokenRequest(string? Username, string? Password);

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, AccountView Account);

    public sealed record AccountView(string Username, string DisplayName, string Role, string Scope, IReadOnlyList<string> Categories,
        bool CanUnmask, string? Department);

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(HttpRequest request, AccountStore accounts, CancellationToken ct)
    {
        string? username, password;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            username = form["username"];
            password = form["password"];
        }
        else
        {
            TokenRequest? body;
            try
            {
                body = await request.ReadFromJsonAsync<TokenRequest>(ct);
            }
            catch (System.Text.Json.JsonException)
            {
                return ApiProblems.BadRequest("Send JSON {\"username\": \"…\", \"password\": \"…\"} or a form with username and password.");
            }
            username = body?.Username;
            password = body?.Password;
        }
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || username.Length > 40 || password.Length > 200)
            return ApiProblems.BadRequest("A username (up to 40 characters) and a password are required.");
        if (await accounts.SignInAsync(username.Trim(), password, ct) is not { } issued)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                detail: "The username or password is wrong, or the account is disabled.");
        return TypedResults.Ok(new TokenResponse(issued.Token, "Bearer", (int)(issued.ExpiresAt - DateTimeOffset.UtcNow).TotalSeconds, View(issued.Account)));
    }

    public static Ok<AccountView> Me(HttpContext http)
    {
        var caller = RequestCaller.Get(http);
        return TypedResults.Ok(new AccountView(caller.Username, http.User.FindFirst(CallerClaims.DisplayNameType)?.Value ?? caller.Username,
            Domain.Access.Roles.Slug(caller.Role), caller.Scope.Value,
            caller.Categories.Select(Domain.Access.DataCategories.Slug).Order().ToArray(), caller.CanUnmask, caller.Department));
    }

    public static async Task<NoContent> Logout([FromHeader(Name = "Authorization")] string authorization, AccountStore accounts,
        Microsoft.Extensions.Caching.Memory.IMemoryCache cache, CancellationToken ct)
    {
        var token = authorization["Bearer ".Length..].Trim();
        await accounts.RevokeAsync(token, ct);
        GridMap.Hosting.Authentication.TokenAuthenticationHandler.Forget(cache, token);
        return TypedResults.NoContent();
    }

    public static AccountView View(Account a) => new(a.Username, a.DisplayName, Domain.Access.Roles.Slug(a.Role), a.Scope.Value,
        a.Categories.Select(Domain.Access.DataCategories.Slug).Order().ToArray(), a.CanUnmask, a.Department);
}

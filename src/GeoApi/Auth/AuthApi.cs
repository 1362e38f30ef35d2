using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
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
        app.MapPost("/api/auth/password", ChangePassword).WithTags("Auth").RequireAuthorization().DisableAntiforgery().WithSmallBody()
            .WithSummary("Change your password (the current one and a new one that meets the policy); every token of the account is revoked.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapGet("/api/auth/totp", SecondFactorStatus).WithTags("Auth").RequireAuthorization()
            .WithSummary("Whether your account has a TOTP second factor, one waiting for its first code, and whether unmasking needs it.");
        app.MapPost("/api/auth/totp", BeginSecondFactor).WithTags("Auth").RequireAuthorization().DisableAntiforgery()
            .WithSummary("Start enrolling a TOTP second factor: a new secret and its otpauth:// URI for an authenticator app (shown once).");
        app.MapPost("/api/auth/totp/confirm", ConfirmSecondFactor).WithTags("Auth").RequireAuthorization().DisableAntiforgery().WithSmallBody()
            .WithSummary("Confirm the secret with the code the app now shows ({\"code\": \"123456\"}); this session may then unmask.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        var admin = app.MapGroup("/api/accounts/{username}").WithTags("Auth").RequireAuthorization().DisableAntiforgery().WithSmallBody();
        foreach (var (path, change, summary) in new[]
                 {
                     ("unlock", AccountChange.Unlock, "Unlock an account locked by wrong passwords."),
                     ("disable", AccountChange.Disable, "Disable an account; its tokens are revoked at once."),
                     ("enable", AccountChange.Enable, "Enable a disabled account."),
                     ("password", AccountChange.ResetPassword, "Set a new password ({\"password\": …}, policy-checked); the account's tokens are revoked."),
                     ("reset-second-factor", AccountChange.ResetSecondFactor, "Remove the account's second factor (a lost phone); its tokens are revoked and it enrols again."),
                 })
            admin.MapPost("/" + path, (string username, PasswordReset? body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
                    Administer(username, change, body, http, accounts, ct))
                .WithSummary(summary + " Administrators only; audited.")
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record TokenRequest(string? Username, string? Password, string? Code);

    public sealed record CodeRequest(string? Code);

    /// <summary>The account's second factor; a secret being enrolled is shown to its owner until a first code confirms it.</summary>
    public sealed record SecondFactorState(bool Enrolled, bool Pending, bool NeededToUnmask, string? PendingSecret, string? PendingKeyUri);

    public sealed record SecondFactorSecret(string Secret, string KeyUri);

    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public sealed record PasswordReset(string? Password);

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, AccountView Account);

    /// <summary>The signed-in account; <c>NeedsSecondFactor</c>: it may unmask, but only after signing in with its code.</summary>
    public sealed record AccountView(string Username, string DisplayName, string Role, string Scope, IReadOnlyList<string> Categories,
        bool CanUnmask, string? Department, bool NeedsSecondFactor = false);

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(HttpRequest request, AccountStore accounts, CancellationToken ct)
    {
        string? username, password, code;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            username = form["username"];
            password = form["password"];
            code = form["code"];
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
            code = body?.Code;
        }
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || username.Length > 40 || password.Length > 200)
            return ApiProblems.BadRequest("A username (up to 40 characters) and a password are required.");
        if (string.IsNullOrWhiteSpace(code))
            code = null;
        else if (code.Length > 12)
            return ApiProblems.BadRequest("A code has six digits.");
        var attempt = await accounts.AttemptSignInAsync(username.Trim(), password, code, request.HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (attempt.Issued is { } issued)
            return TypedResults.Ok(new TokenResponse(issued.Token, "Bearer", (int)(issued.ExpiresAt - DateTimeOffset.UtcNow).TotalSeconds, View(issued.Account)));
        if (attempt.IsLocked)
            return new Domain.Problem(Domain.ProblemKind.Forbidden,
                $"This account is locked after {Domain.Access.SignInThrottle.LockAfter} wrong passwords in a row; an administrator unlocks it.")
            { Title = "Account locked", Extensions = new Dictionary<string, object?> { ["code"] = "locked" } }.ToProblem(request.HttpContext.Response);
        if (attempt.WaitUntil is { } until)
            return new Domain.Problem(Domain.ProblemKind.TooManyRequests, "Too many wrong passwords: wait before trying again.")
            { Title = "Sign-in throttled", RetryAfter = until - DateTimeOffset.UtcNow }.ToProblem(request.HttpContext.Response);
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
            detail: attempt.WrongCode ? "The code is wrong or was already used: type the code the app shows now."
                : "The username or password is wrong, or the account is disabled.",
            extensions: new Dictionary<string, object?> { ["code"] = attempt.WrongCode ? "wrong_code" : "wrong_password" });
    }

    public static async Task<Ok<SecondFactorState>> SecondFactorStatus(HttpContext http, AccountStore accounts, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var (enrolled, pending) = await accounts.SecondFactorStatusAsync(caller.Username, ct);
        return TypedResults.Ok(new SecondFactorState(enrolled, pending is not null, caller.CanUnmask || NeedsSecondFactor(http), pending,
            pending is null ? null : SecondFactor.KeyUri(caller.Username, pending)));
    }

    public static async Task<Ok<SecondFactorSecret>> BeginSecondFactor(HttpContext http, AccountStore accounts, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var secret = await accounts.BeginSecondFactorAsync(caller.Username, ct);
        return TypedResults.Ok(new SecondFactorSecret(secret, SecondFactor.KeyUri(caller.Username, secret)));
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ConfirmSecondFactor(CodeRequest? body, HttpContext http,
        AccountStore accounts, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Code) || body.Code.Length > 12)
            return ApiProblems.BadRequest("Send JSON {\"code\": \"123456\"}: the code the authenticator app shows now.");
        var caller = RequestCaller.Get(http);
        var token = http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        if (await accounts.ConfirmSecondFactorAsync(caller.Username, token, body.Code, ct) is { } problem)
            return problem.ToProblem(http.Response);
        GridMap.Hosting.Authentication.TokenAuthenticationHandler.Forget(cache, token);
        var account = await accounts.FindByTokenAsync(token, ct);
        return TypedResults.Ok(View(account!));
    }

    private static bool NeedsSecondFactor(HttpContext http) => http.User.HasClaim(CallerClaims.NeedsSecondFactorType, "true");

    public static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(PasswordChange? body, HttpContext http, AccountStore accounts,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body?.CurrentPassword) || string.IsNullOrEmpty(body.NewPassword) || body.CurrentPassword.Length > 200)
            return ApiProblems.BadRequest("Send JSON {\"currentPassword\": …, \"newPassword\": …}.");
        var caller = RequestCaller.Get(http);
        if (await accounts.ChangePasswordAsync(caller.Username, body.CurrentPassword, body.NewPassword, ct) is { } problem)
            return problem.ToProblem(http.Response);
        GridMap.Hosting.Authentication.TokenAuthenticationHandler.ForgetAccount(caller.Username);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Administer(string username, AccountChange change, PasswordReset? body,
        HttpContext http, AccountStore accounts, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (caller.Role != Domain.Access.Role.Admin)
            return ApiProblems.Forbidden("Accounts are administered by administrators.");
        if (username.Length > 40)
            return ApiProblems.NotFound("No such account.");
        if (await accounts.AdministerAsync(caller.Username, username, change, body?.Password, ct) is { } problem)
            return problem.ToProblem(http.Response);
        if (change is AccountChange.Disable or AccountChange.ResetPassword or AccountChange.ResetSecondFactor)
            GridMap.Hosting.Authentication.TokenAuthenticationHandler.ForgetAccount(username);
        return TypedResults.NoContent();
    }

    public static Ok<AccountView> Me(HttpContext http)
    {
        var caller = RequestCaller.Get(http);
        return TypedResults.Ok(new AccountView(caller.Username, http.User.FindFirst(CallerClaims.DisplayNameType)?.Value ?? caller.Username,
            Domain.Access.Roles.Slug(caller.Role), caller.Scope.Value,
            caller.Categories.Select(Domain.Access.DataCategories.Slug).Order().ToArray(), caller.CanUnmask, caller.Department,
            NeedsSecondFactor(http)));
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
        a.Categories.Select(Domain.Access.DataCategories.Slug).Order().ToArray(), a.CanUnmask, a.Department, a.NeedsSecondFactor);
}

using System.Security.Claims;
using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace GridMap.MapPortal.Account;

/// <summary>
/// Portal sign-in: the login form posts here, the portal exchanges the password for a GeoApi bearer token and keeps
/// it in an encrypted, HTTP-only cookie with the account's role and scope. Pages call GeoApi with that token, so
/// GeoApi (not the portal) decides what each person may see.
/// </summary>
public static class PortalAccount
{
    public const string TokenClaim = "gm:token";
    public const string ScopeClaim = "gm:scope";
    public const string DisplayNameClaim = "gm:display_name";
    public const string UnmaskClaim = "gm:unmask";
    public const string DepartmentClaim = "gm:department";
    public const string NeedsSecondFactorClaim = "gm:needs_second_factor";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/login";
                options.ReturnUrlParameter = "returnUrl";
                options.Cookie.Name = "gridmap.portal";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = false;
                // The report queue's fetches need a status, not the sign-in page behind a redirect.
                options.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments(Events.ReportRelay.Prefix))
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else
                        context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<PortalUser>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", LoginAsync);
        app.MapPost("/account/logout", LogoutAsync);
        app.MapPost("/account/totp/start", BeginSecondFactorAsync).RequireAuthorization();
        app.MapPost("/account/totp/confirm", ConfirmSecondFactorAsync).RequireAuthorization();
        app.MapPost("/account/password", ChangePasswordAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> LoginAsync([FromForm] string? username, [FromForm] string? password, [FromForm] string? code,
        [FromForm] string? returnUrl, HttpContext http, GeoApiClient api, ILoggerFactory loggers, CancellationToken ct)
    {
        var back = LocalOnly(returnUrl, "/people");
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
            return Results.LocalRedirect($"/login?error=missing&returnUrl={Uri.EscapeDataString(back)}");
        var issued = await api.IssueTokenAsync(username.Trim(), password, string.IsNullOrWhiteSpace(code) ? null : code.Trim(),
            http.Connection.RemoteIpAddress?.ToString(), ct);
        if (issued.Value is not { } token)
        {
            var error = issued.Status switch
            {
                401 when ProblemCode(issued.Problem) == "wrong_code" => "code",
                401 => "wrong",
                403 => "locked",
                429 => "throttled",
                _ => "unavailable",
            };
            if (error == "unavailable")
                loggers.CreateLogger("GridMap.MapPortal.Account").LogWarning("Sign-in of {Username} could not be checked: {Status} {Message}",
                    username.Trim(), issued.Status, issued.Error);
            return Results.LocalRedirect($"/login?error={error}&returnUrl={Uri.EscapeDataString(back)}");
        }
        await SignInCookieAsync(http, token.Account, token.AccessToken, DateTimeOffset.UtcNow.AddSeconds(Math.Max(60, token.ExpiresIn - 60)));
        return Results.LocalRedirect(back);
    }

    private static string? ProblemCode(System.Text.Json.JsonElement? problem) =>
        problem is { } p && p.TryGetProperty("code", out var code) && code.ValueKind == System.Text.Json.JsonValueKind.String ? code.GetString() : null;

    private static Task SignInCookieAsync(HttpContext http, AccountDto account, string token, DateTimeOffset? expires)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, account.Username),
            new(ClaimTypes.Role, account.Role),
            new(ScopeClaim, account.Scope),
            new(DisplayNameClaim, account.DisplayName),
            new(UnmaskClaim, account.CanUnmask ? "true" : "false"),
            new(TokenClaim, token),
        };
        if (account.Department is { } department)
            claims.Add(new(DepartmentClaim, department));
        if (account.NeedsSecondFactor)
            claims.Add(new(NeedsSecondFactorClaim, "true"));
        var identity = new ClaimsIdentity(claims, "portal", ClaimTypes.Name, ClaimTypes.Role);
        return http.SignInAsync(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expires });
    }

    private static async Task<IResult> BeginSecondFactorAsync(HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        if (http.User.FindFirst(TokenClaim)?.Value is not { } token)
            return Results.LocalRedirect("/login");
        var begun = await api.BeginSecondFactorAsync(token, ct);
        return Results.LocalRedirect(begun.Ok ? "/account/security" : "/account/security?error=unavailable");
    }

    /// <summary>The first code confirms the factor; this session may unmask from now on, so the cookie is written again.</summary>
    private static async Task<IResult> ConfirmSecondFactorAsync([FromForm] string? code, HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        if (http.User.FindFirst(TokenClaim)?.Value is not { } token)
            return Results.LocalRedirect("/login");
        if (string.IsNullOrWhiteSpace(code) || code.Length > 12)
            return Results.LocalRedirect("/account/security?error=code");
        var confirmed = await api.ConfirmSecondFactorAsync(token, code.Trim(), ct);
        if (confirmed.Value is not { } account)
            return Results.LocalRedirect($"/account/security?error={(confirmed.Status == 400 ? "code" : "unavailable")}");
        var expires = (await http.AuthenticateAsync()).Properties?.ExpiresUtc;
        await SignInCookieAsync(http, account, token, expires);
        return Results.LocalRedirect("/account/security?done=totp");
    }

    /// <summary>A new password revokes every token of the account, this session's too: the person signs in again.</summary>
    private static async Task<IResult> ChangePasswordAsync([FromForm] string? currentPassword, [FromForm] string? newPassword,
        HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        if (http.User.FindFirst(TokenClaim)?.Value is not { } token)
            return Results.LocalRedirect("/login");
        if (string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword) || currentPassword.Length > 200 || newPassword.Length > 200)
            return Results.LocalRedirect("/account/security?error=password-missing");
        var changed = await api.ChangePasswordAsync(token, currentPassword, newPassword, ct);
        if (!changed.Ok)
        {
            var field = changed.Problem is { } p && p.TryGetProperty("field", out var f) ? f.GetString() : null;
            var error = changed.Status == 403 ? "locked" : field == "newPassword" ? "password-weak" : field == "currentPassword" ? "password-current" : "unavailable";
            return Results.LocalRedirect($"/account/security?error={error}");
        }
        await http.SignOutAsync();
        return Results.LocalRedirect("/login?notice=password");
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        if (http.User.FindFirst(TokenClaim)?.Value is { } token)
            await api.LogoutAsync(token, ct);
        await http.SignOutAsync();
        return Results.LocalRedirect("/login");
    }

    private static string LocalOnly(string? url, string fallback) =>
        url is { Length: > 0 } u && u.StartsWith('/') && !u.StartsWith("//") && !u.StartsWith("/\\") ? u : fallback;
}

/// <summary>The signed-in person of this circuit: the token to call GeoApi with, and what to show about them.</summary>
public sealed class PortalUser(AuthenticationStateProvider authentication)
{
    private ClaimsPrincipal? principal;

    private async Task<ClaimsPrincipal> PrincipalAsync() =>
        principal ??= (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<string?> TokenAsync() => (await PrincipalAsync()).FindFirst(PortalAccount.TokenClaim)?.Value;

    public async Task<SignedIn?> GetAsync()
    {
        var user = await PrincipalAsync();
        if (user.Identity?.IsAuthenticated != true || user.FindFirst(PortalAccount.TokenClaim) is null)
            return null;
        return new SignedIn(user.Identity.Name ?? "", user.FindFirst(PortalAccount.DisplayNameClaim)?.Value ?? "",
            user.FindFirst(ClaimTypes.Role)?.Value ?? "", user.FindFirst(PortalAccount.ScopeClaim)?.Value ?? "",
            user.FindFirst(PortalAccount.UnmaskClaim)?.Value == "true", user.FindFirst(PortalAccount.TokenClaim)!.Value,
            user.FindFirst(PortalAccount.DepartmentClaim)?.Value, user.HasClaim(PortalAccount.NeedsSecondFactorClaim, "true"));
    }
}

/// <summary>The signed-in person; <c>NeedsSecondFactor</c>: may unmask after signing in with (or enrolling) the second factor.</summary>
public sealed record SignedIn(string Username, string DisplayName, string Role, string Scope, bool CanUnmask, string Token, string? Department,
    bool NeedsSecondFactor = false);

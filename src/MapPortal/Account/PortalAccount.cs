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
        return app;
    }

    private static async Task<IResult> LoginAsync([FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
        HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        var back = LocalOnly(returnUrl, "/people");
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
            return Results.LocalRedirect($"/login?error=missing&returnUrl={Uri.EscapeDataString(back)}");
        var issued = await api.IssueTokenAsync(username.Trim(), password, ct);
        if (issued.Value is not { } token)
            return Results.LocalRedirect($"/login?error={(issued.Status == 401 ? "wrong" : "unavailable")}&returnUrl={Uri.EscapeDataString(back)}");
        var account = token.Account;
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, account.Username),
            new(ClaimTypes.Role, account.Role),
            new(ScopeClaim, account.Scope),
            new(DisplayNameClaim, account.DisplayName),
            new(UnmaskClaim, account.CanUnmask ? "true" : "false"),
            new(TokenClaim, token.AccessToken),
        };
        if (account.Department is { } department)
            claims.Add(new(DepartmentClaim, department));
        var identity = new ClaimsIdentity(claims, "portal", ClaimTypes.Name, ClaimTypes.Role);
        await http.SignInAsync(new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            ExpiresUtc = DateTimeOffset.UtcNow.AddSeconds(Math.Max(60, token.ExpiresIn - 60)),
        });
        return Results.LocalRedirect(back);
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
            user.FindFirst(PortalAccount.DepartmentClaim)?.Value);
    }
}

public sealed record SignedIn(string Username, string DisplayName, string Role, string Scope, bool CanUnmask, string Token, string? Department);

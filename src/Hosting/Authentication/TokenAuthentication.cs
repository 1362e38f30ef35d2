using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using GridMap.Domain;
using GridMap.Hosting.Problems;
using GridMap.Store.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridMap.Hosting.Authentication;

/// <summary>
/// "Authorization: Bearer &lt;token&gt;" checked against <c>auth_token</c>. A checked token is remembered for a few
/// seconds so a map's burst of tile requests costs one lookup; revocation takes effect within that time.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AccountStore accounts, IMemoryCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>Where the push hubs live; the only paths that accept the token in the query string.</summary>
    public const string HubsPath = "/hubs";
    private static readonly TimeSpan Remember = TimeSpan.FromSeconds(15);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header["Bearer ".Length..].Trim();
        // Browsers cannot set headers on a WebSocket: SignalR clients send the token as access_token instead. Only the
        // hubs take it, so a token never ends up in the access logs of ordinary API or tile URLs.
        else if (Request.Path.StartsWithSegments(HubsPath) && Request.Query["access_token"].ToString() is { Length: > 0 } query)
            token = query.Trim();
        else
            return AuthenticateResult.NoResult();
        if (token.Length is < 20 or > 100)
            return AuthenticateResult.Fail("Malformed bearer token.");
        var key = "token:" + token;
        Account? account;
        if (cache.TryGetValue(key, out Remembered? remembered)
            && !(remembered!.Account is { } known && RevokedAt.TryGetValue(known.Username, out var revoked) && remembered.At <= revoked))
            account = remembered.Account;
        else
        {
            var at = DateTimeOffset.UtcNow;
            account = await accounts.FindByTokenAsync(token, Context.RequestAborted);
            cache.Set(key, new Remembered(account, at), Remember);
        }
        if (account is null)
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");
        var identity = new ClaimsIdentity(CallerClaims.For(account), SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Forgets a revoked token at once in this process (other processes within <see cref="Remember"/>).</summary>
    public static void Forget(IMemoryCache cache, string token) => cache.Remove("token:" + token);

    private sealed record Remembered(Account? Account, DateTimeOffset At);

    private static readonly ConcurrentDictionary<string, DateTimeOffset> RevokedAt = new(StringComparer.Ordinal);

    /// <summary>
    /// Every token of an account was revoked (a new password, a disable): this process stops accepting the ones it
    /// remembers at once (other processes within <see cref="Remember"/>).
    /// </summary>
    public static void ForgetAccount(string username) => RevokedAt[username] = DateTimeOffset.UtcNow;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => new Problem(ProblemKind.Unauthenticated,
        "This needs an account: POST /api/auth/token with a username and password, then send Authorization: Bearer <token>.").WriteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem.Forbidden("Your role does not allow this.").WriteAsync(Context);
}

public static class TokenAuthenticationSetup
{
    /// <summary>Bearer-token authentication for an API or tile host, with the account store it reads.</summary>
    public static IServiceCollection AddGridMapTokenAuthentication(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<AccountStore>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }
}

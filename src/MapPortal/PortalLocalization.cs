using Microsoft.AspNetCore.Localization;

namespace GridMap.MapPortal;

/// <summary>zh-CN first, English second; the choice lives in the standard culture cookie and applies to the whole circuit.</summary>
public static class PortalLocalization
{
    private static readonly string[] Cultures = ["zh-CN", "en"];

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services) =>
        services.AddLocalization(o => o.ResourcesPath = "Resources");

    public static WebApplication UsePortalLocalization(this WebApplication app)
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture(Cultures[0])
            .AddSupportedCultures(Cultures)
            .AddSupportedUICultures(Cultures);
        // Chinese unless the person chose English: the browser's Accept-Language does not decide.
        options.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        app.UseRequestLocalization(options);
        return app;
    }

    /// <summary><c>GET /culture/{name}?redirect=/map/…</c>: remembers the language and goes back (local paths only).</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/{name}", (string name, string? redirect, HttpContext http) =>
        {
            if (!Cultures.Contains(name))
                return Results.Problem(title: "Unknown language", detail: $"Languages: {string.Join(", ", Cultures)}.", statusCode: 400);
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(name)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
            var target = redirect is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//") && !r.StartsWith("/\\") ? r : "/map";
            return Results.LocalRedirect(target);
        });
        return app;
    }
}

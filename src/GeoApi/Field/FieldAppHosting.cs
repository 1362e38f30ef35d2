namespace GridMap.GeoApi.Field;

/// <summary>
/// Serves the field app (src/FieldApp, Blazor WebAssembly) at /field from GeoApi: the app is static files that talk to
/// this API only, so serving them from the same origin spares every request a CORS preflight — on a village's 3G
/// link that is a 300 ms round trip before each upload.
/// </summary>
public static class FieldAppHosting
{
    public const string BasePath = "/field";

    /// <summary>Reads the static web assets of the build (run.sh runs from build output, not a publish folder).</summary>
    public static WebApplicationBuilder AddFieldApp(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddOptions<FieldOptions>().Bind(builder.Configuration.GetSection(FieldOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.TilesUrl) || Uri.TryCreate(o.TilesUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "Field:TilesUrl is the tiling service's absolute http(s) URL.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication MapFieldApp(this WebApplication app)
    {
        // /field without the slash: the app's relative URLs need the slash.
        app.Use((http, next) =>
        {
            if (http.Request.Path.Value == BasePath)
            {
                http.Response.Redirect(BasePath + "/");
                return Task.CompletedTask;
            }
            return next(http);
        });
        app.MapStaticAssets();
        // Every page of the app is index.html; the app's router takes it from there.
        app.MapFallbackToFile(BasePath + "/{*path:nonfile}", "field/index.html");
        return app;
    }
}

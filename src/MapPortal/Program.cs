using GridMap.Metrics;
using GridMap.MapPortal;
using GridMap.MapPortal.Account;
using GridMap.MapPortal.Components;
using GridMap.MapPortal.Events;
using GridMap.MapPortal.Components.Kpi;
using GridMap.MapPortal.GeoApi;
using GridMap.MapPortal.Planning;

var builder = WebApplication.CreateBuilder(args);
// run.sh serves the build output, not a publish folder: let it find framework assets (blazor.web.js) there too.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddGeoApiClient(builder.Configuration);
builder.Services.AddGridMapMetrics();
builder.Services.AddOptions<GridMap.MapPortal.Components.Map.BasemapOptions>()
    .Bind(builder.Configuration.GetSection(GridMap.MapPortal.Components.Map.BasemapOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<GridMap.MapPortal.Live.EventFeedClient>();
builder.Services.AddPortalLocalization();
builder.Services.AddPortalAuthentication();
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();
// The headers of every GridMap host (GridMap.Domain.Access.SecurityHeaders; GeoApi and tiling use GridMap.Hosting's middleware).
app.Use(async (context, next) =>
{
    foreach (var (name, value) in GridMap.Domain.Access.SecurityHeaders.All)
        context.Response.Headers[name] = value;
    await next();
});
app.UseGridMapMetrics();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UsePortalLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapPortalHealth();
app.MapGridMapMetrics(app.Configuration);
app.MapCultureSwitch();
app.MapAccountEndpoints();
app.MapReportRelay();
app.MapGridFileRelay();
app.MapKpiExport();
// Our own policy already says frame-ancestors 'none'; Blazor's default second header (frame-ancestors 'self') is dropped.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
app.Run();

using GridMap.MapPortal.Components;
using GridMap.MapPortal.GeoApi;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddGeoApiClient(builder.Configuration);

var app = builder.Build();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapPortalHealth();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

using GridMap.GeoApi.Grids;
using GridMap.GeoApi.Health;
using GridMap.GeoApi.Infrastructure;
using GridMap.GeoApi.Locate;
using GridMap.GeoApi.Search;
using GridMap.GeoApi.Units;
using GridMap.Store;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGridMapStore(builder.Configuration, "gridmap-geoapi");
builder.Services.AddGridMapProblemDetails();
builder.Services.AddGridMapJson();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseGridMapProblemDetails();
app.MapOpenApi();
app.MapHealthApi();
app.MapUnitsApi();
app.MapGridsApi();
app.MapLocateApi();
app.MapSearchApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

using GridMap.GeoApi.Grids;
using GridMap.GeoApi.Infrastructure;
using GridMap.GeoApi.Locate;
using GridMap.GeoApi.Ogc;
using GridMap.GeoApi.Search;
using GridMap.GeoApi.Units;
using GridMap.Store;
using GridMap.Store.Database;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGridMapStore(builder.Configuration, "gridmap-geoapi");
builder.Services.AddGridMapProblemDetails();
builder.Services.AddGridMapJson();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseGridMapProblemDetails();
app.MapOpenApi();
app.MapDatabaseHealth("geoapi");
app.MapUnitsApi();
app.MapGridsApi();
app.MapLocateApi();
app.MapSearchApi();
app.MapOgcApi();
app.Run();

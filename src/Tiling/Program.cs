using GridMap.Store;
using GridMap.Store.Database;
using GridMap.Tiling;
using GridMap.Tiling.Tiles;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGridMapStore(builder.Configuration, "gridmap-tiling");
builder.Services.AddTiling(builder.Configuration);
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDatabaseHealth("tiling");
app.MapTilesApi();
app.MapStyleApi();
app.Run();

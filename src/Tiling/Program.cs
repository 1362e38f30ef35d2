using GridMap.Store;
using GridMap.Store.Database;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGridMapStore(builder.Configuration, "gridmap-tiling");
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDatabaseHealth("tiling");
app.Run();

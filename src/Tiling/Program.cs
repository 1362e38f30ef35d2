using GridMap.Hosting.Authentication;
using GridMap.Hosting.Health;
using GridMap.Metrics;
using GridMap.Hosting.Problems;
using GridMap.Hosting.Security;
using GridMap.Store;
using GridMap.Store.Database;
using GridMap.Tiling;
using GridMap.Tiling.Cache;
using GridMap.Tiling.Tiles;

var builder = WebApplication.CreateBuilder(args);
// Tiles are single SELECTs with parameters; the invalidation listener UNLISTENs before its connection goes back.
builder.Services.AddGridMapStore(builder.Configuration, "gridmap-tiling", DataSourceProfile.TileServer);
builder.Services.AddReplicaMonitor();
builder.Services.AddTiling(builder.Configuration);
builder.Services.AddGridMapProblemDetails();
builder.Services.AddCors();
builder.Services.AddGridMapMetrics();
builder.Services.AddGridMapTokenAuthentication();

var app = builder.Build();
app.UseGridMapSecurityHeaders();
app.UseGridMapMetrics();
app.UseGridMapProblemDetails();
// Tiles, TileJSON and the style are public and read by map clients on other origins (the portal), errors included.
// Per-account layers (buildings) take a bearer token, so the Authorization header is allowed too.
app.UseCors(cors => cors.AllowAnyOrigin().WithMethods("GET").WithHeaders("Authorization").WithExposedHeaders("ETag", "X-Cache"));
app.UseAuthentication();
app.MapDatabaseHealth("tiling");
app.MapGridMapMetrics(app.Configuration);
app.AddTileCacheMetrics();
app.MapTilesApi();
app.MapStyleApi();
app.Run();

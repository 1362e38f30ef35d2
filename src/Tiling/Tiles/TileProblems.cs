using GridMap.Domain;

namespace GridMap.Tiling.Tiles;

/// <summary>The tile service's problems, titled for map clients; <see cref="Hosting.Problems.ProblemResults"/> writes them.</summary>
public static class TileProblems
{
    public static Problem UnknownLayer(string message) => Problem.NotFound(message) with { Title = "Unknown tile layer" };

    public static Problem Invalid(string message) => Problem.Invalid(message) with { Title = "Invalid tile request" };

    public static Problem Starting { get; } =
        new(ProblemKind.Unavailable, "The tile cache has not reached the database yet; retry shortly.") { Title = "Tile service starting", RetryAfter = TimeSpan.FromSeconds(5) };

    public static Problem SignInFirst(string layer) => new(ProblemKind.Unauthenticated,
        $"Layer {layer} shows only what your account may see: send Authorization: Bearer <token> (POST /api/auth/token on GeoApi).");
}

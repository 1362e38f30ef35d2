using System.Reflection;
using GridMap.Store.Database;

namespace GridMap.Synthetic;

/// <summary>Reads the <c>.sql</c> files beside the loaders of this project (embedded resources).</summary>
internal static class SyntheticSql
{
    private static readonly Assembly Assembly = typeof(SyntheticSql).Assembly;

    /// <summary><paramref name="relativePath"/> is the path under src/Synthetic, e.g. <c>Population/CountyGrids.sql</c>.</summary>
    public static string Get(string relativePath) => SqlResource.Load(Assembly, "GridMap.Synthetic", relativePath);
}

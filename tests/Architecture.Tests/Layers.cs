using System.Reflection;

namespace GridMap.Architecture.Tests;

/// <summary>The assemblies whose dependencies the architecture tests state, loaded by name.</summary>
public static class Layers
{
    public static Assembly Domain => Assembly.Load("GridMap.Domain");
    public static Assembly Store => Assembly.Load("GridMap.Store");
    public static Assembly Synthetic => Assembly.Load("GridMap.Synthetic");

    /// <summary>The processes a deployment runs; each reads and writes only through Store.</summary>
    public static IEnumerable<Assembly> Hosts =>
        new[] { "GridMap.GeoApi", "GridMap.Tiling", "GridMap.MapPortal" }.Select(Assembly.Load);

    public static TheoryData<string> HostNames => new() { "GridMap.GeoApi", "GridMap.Tiling", "GridMap.MapPortal" };
}

using System.Collections.Concurrent;
using System.Reflection;

namespace GridMap.Store.Database;

/// <summary>Reads the <c>.sql</c> files that sit next to each store (embedded resources), once.</summary>
public static class SqlResource
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();
    private static readonly Assembly StoreAssembly = typeof(SqlResource).Assembly;

    /// <summary><paramref name="relativePath"/> is the path under src/Store, e.g. <c>Units/GetUnit.sql</c>.</summary>
    public static string Get(string relativePath) => Load(StoreAssembly, "GridMap.Store", relativePath);

    /// <summary>A <c>.sql</c> file embedded in <paramref name="assembly"/> under <paramref name="rootNamespace"/>.</summary>
    public static string Load(Assembly assembly, string rootNamespace, string relativePath) =>
        Cache.GetOrAdd(rootNamespace + "." + relativePath.Replace('/', '.'), static (name, assembly) =>
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"SQL resource {name} is not embedded.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }, assembly);
}

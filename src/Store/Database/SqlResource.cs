using System.Collections.Concurrent;
using System.Reflection;

namespace GridMap.Store.Database;

/// <summary>Reads the <c>.sql</c> files that sit next to each store (embedded resources), once.</summary>
public static class SqlResource
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();
    private static readonly Assembly Assembly = typeof(SqlResource).Assembly;

    /// <summary><paramref name="relativePath"/> is the path under src/Store, e.g. <c>Units/GetUnit.sql</c>.</summary>
    public static string Get(string relativePath) => Cache.GetOrAdd(relativePath, static path =>
    {
        var name = "GridMap.Store." + path.Replace('/', '.');
        using var stream = Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"SQL resource {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}

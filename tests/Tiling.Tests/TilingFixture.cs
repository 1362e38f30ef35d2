using GridMap.Testing;

namespace GridMap.Tiling.Tests;

/// <summary>The tiling service in-process over a database, with a disk cache of its own in a temporary folder.</summary>
public sealed class TilingHost : IAsyncDisposable
{
    private readonly bool ownsCache;

    private TilingHost(HostFactory<GridMap.Tiling.TilingHost> factory, string cacheDirectory, bool ownsCache)
    {
        Factory = factory;
        CacheDirectory = cacheDirectory;
        this.ownsCache = ownsCache;
        Client = factory.CreateClient();
    }

    public HostFactory<GridMap.Tiling.TilingHost> Factory { get; }
    public HttpClient Client { get; }
    public string CacheDirectory { get; }

    /// <summary>A host with a cache folder of its own, or sharing <paramref name="cacheDirectory"/> (then left in place).</summary>
    /// <param name="caller">The address requests seem to come from (see <see cref="HostFactory{T}.Caller"/>).</param>
    public static TilingHost Start(string connectionString, string? cacheDirectory = null, System.Net.IPAddress? caller = null)
    {
        var cache = cacheDirectory ?? Path.Combine(Path.GetTempPath(), "gridmap-tiles-" + Guid.NewGuid().ToString("N"));
        return new TilingHost(new HostFactory<GridMap.Tiling.TilingHost>(connectionString, new Dictionary<string, string?>
        {
            ["Tiling:CacheDirectory"] = cache,
            ["Tiling:AllowCacheAdmin"] = "true",
        }) { Caller = caller }, cache, cacheDirectory is null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        if (ownsCache)
            await TempFolders.DeleteAsync(CacheDirectory);
    }
}

/// <summary>One tiling host over the shared province for a test class.</summary>
public sealed class TilingFixture : IAsyncLifetime
{
    public ProvinceFixture Province { get; } = new();
    public TilingHost Host { get; private set; } = null!;
    public HttpClient Client => Host.Client;

    public async Task InitializeAsync()
    {
        await Province.InitializeAsync();
        Host = TilingHost.Start(Province.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Province.DisposeAsync();
    }
}

internal static class Fixtures
{
    public static string Tiles => Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "tiles");

    /// <summary>Compares text with a snapshot file; GRIDMAP_UPDATE_SNAPSHOTS=1 rewrites the file instead.</summary>
    public static void MatchSnapshot(string name, string actual)
    {
        var path = Path.Combine(Tiles, name);
        if (Environment.GetEnvironmentVariable("GRIDMAP_UPDATE_SNAPSHOTS") == "1")
            File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"No snapshot {path}; run the test once with GRIDMAP_UPDATE_SNAPSHOTS=1 and review the file.");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}

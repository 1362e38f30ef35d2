using GridMap.Store.Proxy;
using Npgsql;

namespace GridMap.Testing;

/// <summary>The repository's sourced service catalogue (data/catalogue/devolved_services.csv), loaded as a county's catalogue.</summary>
public static class CatalogueFile
{
    public static string Path { get; } = System.IO.Path.Combine(RepositoryRoot.Path, "data", "catalogue", "devolved_services.csv");

    /// <summary>Loads the file as the county's next version; with <paramref name="ifMissing"/> a county that has one is left alone.</summary>
    public static async Task PublishAsync(NpgsqlDataSource dataSource, string county, bool ifMissing = true)
    {
        using var file = File.OpenText(Path);
        await new CatalogueStore(dataSource, TimeProvider.System).PublishAsync(county, await CatalogueStore.ReadFileAsync(file), "test",
            "loaded for the tests", ifMissing);
    }
}

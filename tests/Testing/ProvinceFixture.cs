using GridMap.Store.Database;
using Npgsql;
using Xunit;

namespace GridMap.Testing;

/// <summary>Shares the generated province (read-only) and one data source across a test class.</summary>
public sealed class ProvinceFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabases.ProvinceAsync();
        DataSource = GridMapDataSource.Create(ConnectionString, "gridmap-tests");
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();

    public Task<T> ScalarAsync<T>(string sql, params object[] parameters) => DataSource.ScalarAsync<T>(sql, parameters);
}

using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Access;
using GridMap.Store.Accounts;
using GridMap.Testing;

namespace GridMap.Store.Tests;

/// <summary>
/// The second wall: a query that forgets its scope filter still sees only the caller's area, because scoped reads run
/// as gridmap_scoped under row-level security.
/// </summary>
public sealed class AreaWallTests(PopulationFixture population) : IClassFixture<PopulationFixture>
{
    [Theory]
    [InlineData(DemoAccounts.GridManagerGrid, "A")]
    [InlineData(DemoAccounts.NeighbourGrid, "B")]
    public async Task Unfiltered_queries_see_only_the_callers_grid(string grid, string place)
    {
        var caller = new Caller("wall", Role.GridManager, AdminCode.Parse(grid), new HashSet<DataCategory> { DataCategory.Residents }, false, null);
        await using var scoped = await ScopedConnection.OpenAsync(population.DataSource, caller);
        foreach (var table in new[] { "person", "household", "building" })
        {
            await using var command = scoped.CreateCommand($"SELECT count(*) FILTER (WHERE NOT starts_with(grid_code, '{grid}')), count(*) FROM {table}");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(0, reader.GetInt64(0));
            Assert.True(reader.GetInt64(1) > 0, $"{table}: nothing visible in {grid}");
        }
        await using (var command = scoped.CreateCommand("SELECT array_agg(code) FROM building WHERE code LIKE '%90001'"))
            Assert.Equal([population.Buildings[place]], (string[])(await command.ExecuteScalarAsync())!);
        await using (var command = scoped.CreateCommand("SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE NOT starts_with(p.grid_code, @g)"))
        {
            command.Parameters.AddWithValue("g", grid);
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task The_scoped_role_cannot_write()
    {
        var caller = new Caller("wall", Role.ProvinceStaff, AdminCode.Parse("14"), new HashSet<DataCategory>(), false, null);
        await using var scoped = await ScopedConnection.OpenAsync(population.DataSource, caller);
        await using var command = scoped.CreateCommand("UPDATE person SET name = 'x'");
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal("42501", error.SqlState);
    }
}

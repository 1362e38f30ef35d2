using GridMap.Store.Database;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests;

public class MigrationTests
{
    [Fact]
    public async Task Migrations_build_the_schema_on_an_empty_database_and_rerun_as_a_no_op()
    {
        await using var db = await TestDatabases.CreateAsync("migrations", migrate: false);

        var first = Migrator.Migrate(db.ConnectionString);
        var second = Migrator.Migrate(db.ConnectionString);

        Assert.Equal(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "db", "migrations"), "*.sql").Length, first.Count);
        Assert.Equal(first.Order(StringComparer.Ordinal), first);
        Assert.Empty(second);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('admin_unit', 'grid', 'grid_manager', 'dataset_load')",
            connection);
        Assert.Equal(4L, await command.ExecuteScalarAsync());
        await using var postgis = new NpgsqlCommand("SELECT postgis_lib_version()", connection);
        Assert.StartsWith("3.", (string)(await postgis.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_schema_rejects_a_unit_whose_code_does_not_extend_its_parent()
    {
        await using var db = await TestDatabases.CreateAsync("constraints");
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var unit = new NpgsqlCommand(
            "INSERT INTO admin_unit (code, level, name, boundary_source, geom, geom_generalized, label_point, area_m2) VALUES " +
            "('14', 1, '山西省', 'union', ST_Multi(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4490)), " +
            "ST_Multi(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4490)), ST_SetSRID(ST_Point(0.5, 0.5), 4490), 1)",
            connection);
        await unit.ExecuteNonQueryAsync();
        await using var badParent = new NpgsqlCommand(
            "INSERT INTO admin_unit (code, level, name, parent_code, boundary_source, geom, geom_generalized, label_point, area_m2) VALUES " +
            "('1501', 2, 'x', '14', 'union', ST_Multi(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4490)), " +
            "ST_Multi(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4490)), ST_SetSRID(ST_Point(0.5, 0.5), 4490), 1)",
            connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => badParent.ExecuteNonQueryAsync());
        Assert.Equal("admin_unit_parent_prefix", error.ConstraintName);
    }
}

using GridMap.Domain.Geometry;
using GridMap.Testing;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Tests;

/// <summary>The generated province as loaded in PostGIS: the counts of the source article and clean topology.</summary>
public class ProvinceTests(ProvinceFixture province) : IClassFixture<ProvinceFixture>
{
    [Fact]
    public async Task Counts_match_the_article()
    {
        Assert.Equal(1L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 1"));
        Assert.Equal(11L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 2"));
        Assert.Equal(120L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 3"));
        Assert.Equal(78_379L, await province.ScalarAsync<long>("SELECT count(*) FROM grid"));
        Assert.Equal(78_379L, await province.ScalarAsync<long>("SELECT count(DISTINCT code) FROM grid"));
        Assert.Equal(3_500L, await province.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code LIKE '140428%'"));
        Assert.Equal(77_644L, await province.ScalarAsync<long>("SELECT count(*) FROM grid_manager"));
        Assert.Equal(735L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM grid g WHERE NOT EXISTS (SELECT 1 FROM grid_manager m WHERE m.grid_code = g.code)"));
        Assert.Equal(735, await province.ScalarAsync<int>("SELECT vacant_count FROM unit_grid_summary WHERE unit_code = '14'"));
    }

    [Fact]
    public async Task The_divisions_are_2016s_and_every_village_has_a_grid()
    {
        Assert.Equal(1_452L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 4"));
        Assert.Equal(30_197L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 5"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM admin_unit u WHERE level = 5 AND NOT EXISTS (SELECT 1 FROM grid g WHERE g.village_code = u.code)"));
        // 长子县: 12 townships, 401 villages, 3,500 grids — about 8.7 grids a village.
        Assert.Equal(12L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 4 AND parent_code = '140428'"));
        Assert.Equal(401L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 5 AND code LIKE '140428%'"));
        Assert.Equal("南陈乡", await province.ScalarAsync<string>("SELECT name FROM admin_unit WHERE code = '140428203'"));
        // The crosswalk came with the province: every 2023 village code of Shanxi.
        Assert.Equal(21_895L, await province.ScalarAsync<long>("SELECT count(DISTINCT code_2023) FROM division_code_2023 WHERE level = 'village'"));
    }

    [Fact]
    public async Task Zhangzi_is_fully_staffed_with_about_thirty_households_per_grid()
    {
        Assert.Equal(0, await province.ScalarAsync<int>("SELECT vacant_count FROM unit_grid_summary WHERE unit_code = '140428'"));
        var householdsPerGrid = await province.ScalarAsync<decimal>("SELECT avg(households) FROM grid WHERE code LIKE '140428%'");
        Assert.InRange(householdsPerGrid, 25m, 35m);
    }

    [Fact]
    public async Task Vacancies_are_spread_over_many_counties_none_dominating()
    {
        var counties = await province.ScalarAsync<long>("SELECT count(*) FROM unit_grid_summary WHERE length(unit_code) = 6 AND vacant_count > 0");
        var largest = await province.ScalarAsync<int>("SELECT max(vacant_count) FROM unit_grid_summary WHERE length(unit_code) = 6");
        Assert.True(counties >= 60, $"vacancies in only {counties} counties");
        Assert.True(largest <= 40, $"one county has {largest} of the 735 vacancies");
    }

    [Fact]
    public async Task Urban_districts_have_smaller_grids_than_counties()
    {
        var district = await province.ScalarAsync<double>(
            "SELECT avg(g.area_m2) FROM grid g JOIN admin_unit c ON c.code = left(g.code, 6) WHERE c.name LIKE '%区'");
        var county = await province.ScalarAsync<double>(
            "SELECT avg(g.area_m2) FROM grid g JOIN admin_unit c ON c.code = left(g.code, 6) WHERE c.name LIKE '%县'");
        // Many 区 of 2013 are large and rural (平鲁区, 离石区, 朔城区), and the 2016 list gives them their many small
        // villages, so the districts' average is pulled up: a third smaller is the test, not a half.
        Assert.True(district * 1.5 < county, $"district grids average {district:F0} m², county grids {county:F0} m²");
    }

    [Fact]
    public async Task Every_polygon_is_valid_and_every_grid_is_one_piece()
    {
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)"));
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) FROM grid WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)"));
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) FROM grid WHERE ST_NumGeometries(geom) <> 1"));
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) FROM grid WHERE ST_SRID(geom) <> 4490"));
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(4, 6)]
    [InlineData(6, 9)]
    [InlineData(9, 12)]
    public async Task Children_exactly_cover_their_parent(int parentLength, int childLength)
    {
        // Planar area in degrees: the question is topological (gaps, overlaps), not geodesic.
        var worst = await province.ScalarAsync<double>($"""
            WITH kids AS (
                SELECT left(code, {parentLength}) AS parent, sum(ST_Area(geom)) AS summed, ST_Area(ST_Union(geom)) AS united
                FROM admin_unit WHERE length(code) = {childLength} GROUP BY 1)
            SELECT max(greatest(abs(k.summed - ST_Area(p.geom)), abs(k.united - ST_Area(p.geom))) / ST_Area(p.geom))
            FROM kids k JOIN admin_unit p ON p.code = k.parent
            """);
        Assert.True(worst < 1e-9, $"worst relative gap or overlap {worst:E2}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Generalized_copies_are_valid_simpler_and_still_meet_their_neighbours(int level)
    {
        Assert.Equal(0L, await province.ScalarAsync<long>(
            $"SELECT count(*) FROM admin_unit WHERE level = {level} AND (geom_generalized IS NULL OR NOT ST_IsValid(geom_generalized))"));
        Assert.True(await province.ScalarAsync<long>($"SELECT sum(ST_NPoints(geom_generalized)) FROM admin_unit WHERE level = {level}")
                    < await province.ScalarAsync<long>($"SELECT sum(ST_NPoints(geom)) FROM admin_unit WHERE level = {level}"));
        // A coverage simplified as a whole keeps shared borders shared: no overlaps, and no slivers opening between neighbours.
        var overlap = await province.ScalarAsync<double>(
            $"SELECT (sum(ST_Area(geom_generalized)) - ST_Area(ST_Union(geom_generalized))) / sum(ST_Area(geom_generalized)) FROM admin_unit WHERE level = {level}");
        Assert.True(Math.Abs(overlap) < 1e-9, $"overlap {overlap:E2}");
        Assert.Equal(0, await province.ScalarAsync<int>(
            $"SELECT sum(ST_NumInteriorRings(d.geom))::int FROM (SELECT (ST_Dump(ST_Union(geom_generalized))).geom FROM admin_unit WHERE level = {level}) d"));
    }

    [Fact]
    public async Task Grids_exactly_cover_their_village_and_lie_inside_it()
    {
        var worst = await province.ScalarAsync<double>("""
            WITH kids AS (
                SELECT village_code, sum(ST_Area(geom)) AS summed, ST_Area(ST_Union(geom)) AS united
                FROM grid GROUP BY 1)
            SELECT max(greatest(abs(k.summed - ST_Area(v.geom)), abs(k.united - ST_Area(v.geom))) / ST_Area(v.geom))
            FROM kids k JOIN admin_unit v ON v.code = k.village_code
            """);
        Assert.True(worst < 1e-9, $"worst relative gap or overlap {worst:E2}");
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM grid g JOIN admin_unit v ON v.code = g.village_code WHERE NOT ST_Covers(v.geom, g.label_point)"));
    }

    [Fact]
    public async Task Grid_sequences_run_west_to_east_then_north_to_south()
    {
        await using var command = province.DataSource.CreateCommand(
            "SELECT village_code, array_agg(code ORDER BY code), array_agg(geom ORDER BY code) FROM grid WHERE code LIKE '140428%' GROUP BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var villages = 0;
        while (await reader.ReadAsync())
        {
            var codes = reader.GetFieldValue<string[]>(1);
            var geometries = reader.GetFieldValue<Geometry[]>(2);
            var expected = GridNumbering.Assign(geometries);
            Assert.Equal(expected.Select(s => s.ToString("D3")), codes.Select(c => c[12..]));
            villages++;
        }
        Assert.True(villages > 250);
    }

    [Fact]
    public async Task Stored_true_areas_agree_with_PostGIS_geography()
    {
        var worst = await province.ScalarAsync<double>("SELECT max(abs(area_m2 - ST_Area(geom::geography)) / area_m2) FROM grid");
        Assert.True(worst < 1e-4, $"worst relative difference {worst:E2}");
        var provinceArea = await province.ScalarAsync<double>("SELECT area_m2 FROM admin_unit WHERE code = '14'");
        Assert.InRange(provinceArea / 1e6, 150_000, 160_000); // Shanxi: about 156,700 km²
    }

    [Fact]
    public async Task The_load_is_recorded_as_synthetic()
    {
        Assert.True(await province.ScalarAsync<bool>("SELECT bool_and(synthetic) FROM dataset_load"));
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level >= 4 AND boundary_source <> 'synthetic'"));
        Assert.Equal(120L, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE level = 3 AND boundary_source = 'real'"));
    }
}

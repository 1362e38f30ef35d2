using GridMap.Store.Boundaries;
using GridMap.Store.Geodesy;
using GridMap.Testing;
using NetTopologySuite.IO;

namespace GridMap.Store.Tests;

public class TrueAreaTests(ProvinceFixture province) : IClassFixture<ProvinceFixture>
{
    [Theory]
    [InlineData("POLYGON((112.90 36.10, 112.91 36.10, 112.91 36.11, 112.90 36.11, 112.90 36.10))")]
    [InlineData("POLYGON((110.5 34.7, 110.52 34.7, 110.51 34.72, 110.5 34.7))")]
    [InlineData("POLYGON((114.0 40.5, 114.03 40.5, 114.03 40.52, 114.0 40.52, 114.0 40.5), (114.01 40.505, 114.02 40.505, 114.02 40.51, 114.01 40.505))")]
    public async Task Albers_areas_match_PostGIS_geography_areas(string wkt)
    {
        var polygon = new WKTReader(Geo.Factory.GeometryServices).Read(wkt);
        polygon.SRID = 4490;
        var postgis = await province.ScalarAsync<double>("SELECT ST_Area(ST_GeomFromText($1, 4490)::geography)", wkt);
        // Planar edges in the projection versus geodesic edges in PostGIS: a few parts per million at this size.
        Assert.InRange(TrueArea.SquareMetres(polygon) / postgis, 1 - 2e-5, 1 + 2e-5);
    }
}

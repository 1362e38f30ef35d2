using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

/// <summary>OGC API – Features against PostGIS counts, and through GDAL's OAPIF driver as a real client.</summary>
public class OgcApiTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    [Fact]
    public async Task The_landing_page_links_conformance_api_and_data()
    {
        var landing = await api.GetJsonAsync("/ogc");
        var rels = landing.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToList();
        Assert.Contains("conformance", rels);
        Assert.Contains("data", rels);
        Assert.Contains("service-desc", rels);
        var conformance = await api.GetJsonAsync("/ogc/conformance");
        var classes = conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", classes);
        var openapi = await api.GetJsonAsync("/ogc/api");
        Assert.Equal("3.0.3", openapi.GetProperty("openapi").GetString());
    }

    [Fact]
    public async Task Four_collections_offer_CGCS2000()
    {
        var collections = (await api.GetJsonAsync("/ogc/collections")).GetProperty("collections").EnumerateArray().ToList();
        Assert.Equal(["counties", "townships", "villages", "grids"], collections.Select(c => c.GetProperty("id").GetString()));
        Assert.All(collections, c => Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/4490", c.GetProperty("storageCrs").GetString()));
    }

    [Fact]
    public async Task Items_page_through_with_next_links_and_counts()
    {
        var first = await api.GetJsonAsync("/ogc/collections/counties/items?limit=50");
        Assert.Equal(120, first.GetProperty("numberMatched").GetInt32());
        Assert.Equal(50, first.GetProperty("numberReturned").GetInt32());
        var next = first.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next").GetProperty("href").GetString()!;
        var codes = first.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
        while (true)
        {
            var page = await api.GetJsonAsync(new Uri(next).PathAndQuery);
            codes.AddRange(page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!));
            var link = page.GetProperty("links").EnumerateArray().FirstOrDefault(l => l.GetProperty("rel").GetString() == "next");
            if (link.ValueKind == JsonValueKind.Undefined)
                break;
            next = link.GetProperty("href").GetString()!;
        }
        Assert.Equal(120, codes.Distinct().Count());
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        var beyond = await api.GetJsonAsync("/ogc/collections/counties/items?offset=500");
        Assert.Equal(0, beyond.GetProperty("numberReturned").GetInt32());
        Assert.Equal(120, beyond.GetProperty("numberMatched").GetInt32());
    }

    [Fact]
    public async Task A_bbox_selects_what_PostGIS_says_intersects_it()
    {
        var expected = await api.Province.ScalarAsync<long>(
            "SELECT count(*) FROM grid WHERE ST_Intersects(geom, ST_MakeEnvelope(112.8, 36.0, 112.9, 36.1, 4490))");
        var page = await api.GetJsonAsync("/ogc/collections/grids/items?bbox=112.8,36.0,112.9,36.1&limit=10000");
        Assert.Equal(expected, page.GetProperty("numberMatched").GetInt64());
        Assert.Equal(expected, page.GetProperty("numberReturned").GetInt64());
        var latFirst = await api.GetJsonAsync("/ogc/collections/grids/items?bbox=36.0,112.8,36.1,112.9&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490&limit=1");
        Assert.Equal(expected, latFirst.GetProperty("numberMatched").GetInt64());
    }

    [Fact]
    public async Task CGCS2000_output_puts_latitude_first()
    {
        using var response = await api.Client.GetAsync("/ogc/collections/counties/items/140428?crs=http://www.opengis.net/def/crs/EPSG/0/4490");
        Assert.Equal("<http://www.opengis.net/def/crs/EPSG/0/4490>", response.Headers.GetValues("Content-Crs").Single());
        var feature = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var first = feature.GetProperty("geometry").GetProperty("coordinates")[0][0][0];
        Assert.InRange(first[0].GetDouble(), 35, 37); // latitude
        Assert.InRange(first[1].GetDouble(), 112, 114); // longitude
        var crs84 = await api.GetJsonAsync("/ogc/collections/counties/items/140428");
        Assert.InRange(crs84.GetProperty("geometry").GetProperty("coordinates")[0][0][0][0].GetDouble(), 112, 114);
        Assert.Equal("长子县", crs84.GetProperty("properties").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Grid_items_carry_no_personal_data()
    {
        var page = await api.GetJsonAsync("/ogc/collections/grids/items?limit=20");
        Assert.All(page.GetProperty("features").EnumerateArray(), f =>
            Assert.Equal(["area_m2", "boundary", "code", "households", "status", "village"],
                f.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order()));
    }

    [Fact]
    public async Task HTML_is_there_for_people()
    {
        using var response = await api.Client.GetAsync("/ogc/collections/villages/items?f=html&limit=5");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<table>", html);
        Assert.Contains("30,197 features", html);
    }

    [Theory]
    [InlineData("/ogc/collections/roads/items", 404)]
    [InlineData("/ogc/collections/grids/items/140428", 404)]
    [InlineData("/ogc/collections/grids/items/999999999999999", 404)]
    [InlineData("/ogc/collections/grids/items?limit=0", 400)]
    [InlineData("/ogc/collections/grids/items?limit=10001", 400)]
    [InlineData("/ogc/collections/grids/items?limit=ten", 400)]
    [InlineData("/ogc/collections/grids/items?offset=-1", 400)]
    [InlineData("/ogc/collections/grids/items?bbox=113,36,112,37", 400)]
    [InlineData("/ogc/collections/grids/items?bbox=112,37,113,36", 400)]
    [InlineData("/ogc/collections/grids/items?bbox=112,36,200,37", 400)]
    [InlineData("/ogc/collections/grids/items?bbox=112,36,113", 400)]
    [InlineData("/ogc/collections/grids/items?bbox=112,36,0,113,37,10", 400)]
    [InlineData("/ogc/collections/grids/items?bbox=a,b,c,d", 400)]
    [InlineData("/ogc/collections/grids/items?crs=EPSG:3857", 400)]
    [InlineData("/ogc/collections/grids/items?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400)]
    [InlineData("/ogc/collections/grids/items?f=xml", 400)]
    public async Task Bad_OGC_requests_get_a_problem(string path, int status) =>
        await api.GetJsonAsync(path, status);

    [Fact]
    public async Task GDAL_lists_the_collections_and_pulls_every_grid_of_Zhangzi_with_a_bbox()
    {
        await using var server = new HostFactory<GeoApiHost>(api.Province.ConnectionString);
        server.UseKestrel(0);
        server.StartServer();
        var baseUrl = server.CreateClient().BaseAddress!.ToString().TrimEnd('/');

        var listing = Run("ogrinfo", "-ro", $"OAPIF:{baseUrl}/ogc");
        foreach (var collection in new[] { "counties", "townships", "villages", "grids" })
            Assert.Contains($": {collection} (", listing);

        await using var command = api.Province.DataSource.CreateCommand("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM admin_unit WHERE code = '140428'");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var bbox = Enumerable.Range(0, 4).Select(reader.GetDouble).ToArray();
        var expected = await api.Province.ScalarAsync<long>(
            "SELECT count(*) FROM grid WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490))", bbox[0], bbox[1], bbox[2], bbox[3]);

        var output = Path.Combine(Path.GetTempPath(), $"gridmap-zhangzi-{Guid.NewGuid():N}.gpkg");
        try
        {
            string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            Run("ogr2ogr", "-f", "GPKG", output, $"OAPIF:{baseUrl}/ogc", "grids", "-oo", "PAGE_SIZE=1000",
                "-spat", F(bbox[0]), F(bbox[1]), F(bbox[2]), F(bbox[3]));
            var summary = Run("ogrinfo", "-ro", "-so", output, "grids");
            var count = long.Parse(summary.Split('\n').Single(l => l.StartsWith("Feature Count:"))["Feature Count:".Length..].Trim());
            Assert.Equal(expected, count);
            var zhangzi = Run("ogrinfo", "-ro", "-sql", "SELECT count(*) AS n FROM grids WHERE code LIKE '140428%'", output);
            Assert.Contains("n (Integer) = 3500", zhangzi);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {error}");
        return output;
    }
}

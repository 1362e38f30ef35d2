using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// GET /api/planning/export and POST /api/planning/villages/{village}/import/check: who may, what comes out (read by
/// GDAL), what a file sent back is found to hold, and every refusal as problem+json.
/// </summary>
public sealed class ExchangeApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>, IDisposable
{
    private const string Village = "140428203211";
    private readonly string folder = Directory.CreateTempSubdirectory("gridmap-exchange-api-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<HttpResponseMessage> ExportAsync(string account, string query) =>
        await (await api.ClientAsAsync(account)).GetAsync($"/api/planning/export?{query}");

    [Theory]
    [InlineData("planner", "140428", "gpkg", 200)]
    [InlineData("admin", Village, "shapefile", 200)]
    [InlineData("county", "140428", "geojson", 200)]
    [InlineData("township", "140428203", "gpkg", 200)]
    [InlineData("village", Village, "shapefile", 200)]
    [InlineData("village", "140428203212", "geojson", 404)]
    [InlineData("township", "140428", "geojson", 404)]
    [InlineData("gridmanager", Village, "geojson", 403)]
    [InlineData("civil", "140428", "geojson", 403)]
    [InlineData("auditor", "140428", "gpkg", 403)]
    public async Task Planners_admin_and_centre_staff_export_their_area(string account, string unit, string format, int expected)
    {
        using var response = await ExportAsync(account, $"unit={unit}&format={format}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(expected == (int)response.StatusCode, Encoding.UTF8.GetString(bytes));
        if (expected != 200)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return;
        }
        var extension = format switch { "gpkg" => ".gpkg", "shapefile" => ".zip", _ => ".geojson" };
        Assert.Equal($"grids-{unit}{extension}", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var path = Path.Combine(folder, $"grids-{unit}{extension}");
        await File.WriteAllBytesAsync(path, bytes);
        var count = await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code LIKE $1", unit + "%");
        Assert.Equal(count, Gdal.FeatureCount(Gdal.Run("ogrinfo", "-ro", "-so", "-al", Gdal.Source(path))));
    }

    [Fact]
    public async Task The_GeoJSON_export_opens_in_GDAL_as_one_polygon_layer_with_the_grid_fields()
    {
        using var response = await ExportAsync("planner", $"unit={Village}&format=geojson");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(folder, "village.geojson");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        var summary = Gdal.Run("ogrinfo", "-ro", "-so", path, "grids");
        Assert.Contains("Geometry: Multi Polygon", summary);
        Assert.Contains("Feature Count: 18", summary);
        string[] fields = ["code: String", "village: String", "village_nm: String", "name: String", "area_m2: Real", "households: Integer", "manager: String"];
        var listed = summary.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^(\w+: \w+) \(")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(fields, listed);
        Assert.Contains("DESCRIPTION=GridMap grids (synthetic data", summary); // GDAL keeps the file's note on its coordinates as layer metadata
        var first = Gdal.Run("ogrinfo", "-ro", "-q", "-where", $"code = '{Village}001'", path, "grids");
        Assert.Contains("西沟村", first);
    }

    [Theory]
    [InlineData("admin", "unit=140428&format=kml", 400, "format")]
    [InlineData("admin", "unit=140428", 400, "format")]
    [InlineData("admin", "format=gpkg", 400, "unit")]
    [InlineData("admin", "unit=abc&format=gpkg", 400, "abc")]
    [InlineData("admin", "unit=1404&format=gpkg", 400, "city")]
    [InlineData("admin", "unit=140428203211006&format=gpkg", 400, "grid")]
    [InlineData("admin", "unit=149999&format=gpkg", 404, "149999")]
    [InlineData("planner", "unit=140402&format=gpkg", 404, "140402")]
    [InlineData("admin", "unit=%27%3B%20DROP%20TABLE%20grid%3B%20--&format=gpkg", 400, "DROP")]
    public async Task Bad_export_requests_are_problems_that_say_what_is_wrong(string account, string query, int status, string mentioned)
    {
        var (code, body) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(account), HttpMethod.Get, $"/api/planning/export?{query}");
        Assert.Equal(status, code);
        Assert.Contains(mentioned, body.GetProperty("detail").GetString());
        Assert.Equal(78379L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid"));
    }

    [Fact]
    public async Task Export_and_check_need_a_signed_in_caller()
    {
        using var client = api.Factory.CreateClient();
        using var export = await client.GetAsync("/api/planning/export?unit=140428&format=gpkg");
        Assert.Equal(HttpStatusCode.Unauthorized, export.StatusCode);
        using var check = await client.PostAsync($"/api/planning/villages/{Village}/import/check", new MultipartFormDataContent());
        Assert.Equal(HttpStatusCode.Unauthorized, check.StatusCode);
    }

    private async Task<(int Status, JsonElement Body)> CheckAsync(string account, string village, params (string Name, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "file", name);
        }
        using var response = await (await api.ClientAsAsync(account)).PostAsync($"/api/planning/villages/{village}/import/check", form);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 400)
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", text);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("geojson", "grids-140428203211.geojson")]
    [InlineData("gpkg", "grids-140428203211.gpkg")]
    [InlineData("shapefile", "../../etc/passwd; rm -rf $HOME #.zip")]
    public async Task An_exported_village_checked_back_holds_its_grids_and_no_problems(string format, string fileName)
    {
        using var export = await ExportAsync("planner", $"unit={Village}&format={format}");
        var (status, body) = await CheckAsync("planner", Village, (fileName, await export.Content.ReadAsByteArrayAsync()));
        Assert.Equal(200, status);
        Assert.Equal(0, body.GetProperty("problems").GetArrayLength());
        var grids = body.GetProperty("grids");
        Assert.Equal("FeatureCollection", grids.GetProperty("type").GetString());
        var codes = grids.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("code").GetString()).ToList();
        Assert.Equal(Enumerable.Range(1, 18).Select(i => $"{Village}{i:D3}"), codes);
    }

    [Fact]
    public async Task A_file_numbered_on_the_2023_codes_is_read_onto_the_2016_village()
    {
        // A system on the 2023 divisions numbers 西沟村's grids under 140428108211 (2023's 南陈镇西沟村).
        using var export = await ExportAsync("planner", $"unit={Village}&format=geojson");
        var text = (await export.Content.ReadAsStringAsync()).Replace($"\"{Village}0", "\"1404281082110", StringComparison.Ordinal);
        var (status, body) = await CheckAsync("planner", Village, ("grids-2023.geojson", Encoding.UTF8.GetBytes(text)));
        Assert.Equal(200, status);
        Assert.Equal(0, body.GetProperty("problems").GetArrayLength());
        var renumbered = body.GetProperty("renumbered").EnumerateArray().ToList();
        Assert.Equal(18, renumbered.Count);
        Assert.All(renumbered, r => Assert.Equal("140428108211", r.GetProperty("village2023").GetString()));
        var features = body.GetProperty("grids").GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(18, features.Count);
        Assert.All(features, f => Assert.Equal(JsonValueKind.Null, f.GetProperty("properties").GetProperty("code").ValueKind));
        Assert.All(features, f => Assert.StartsWith("140428108211", f.GetProperty("properties").GetProperty("code2023").GetString()));
    }

    [Fact]
    public async Task A_bow_tie_and_a_foreign_code_are_reported_with_feature_code_and_location()
    {
        const string file = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"code": "140428203211001"},
               "geometry": {"type": "Polygon", "coordinates": [[[112.50, 36.10], [112.51, 36.11], [112.51, 36.10], [112.50, 36.11], [112.50, 36.10]]]}},
              {"type": "Feature", "properties": {"code": "140428203212001"},
               "geometry": {"type": "Polygon", "coordinates": [[[112.51, 36.10], [112.52, 36.10], [112.52, 36.11], [112.51, 36.10]]]}},
              {"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [[[112.52, 36.10], [112.53, 36.10], [112.53, 36.11], [112.52, 36.10]]]}}
            ]}
            """;
        var (status, body) = await CheckAsync("planner", Village, ("edited.geojson", Encoding.UTF8.GetBytes(file)));
        Assert.Equal(200, status);
        var problems = body.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(["invalidPolygon", "otherVillage"], problems.Select(p => p.GetProperty("kind").GetString()));
        Assert.Equal([0, 1], problems.Select(p => p.GetProperty("featureIndex").GetInt32()));
        Assert.Equal(["140428203211001", "140428203212001"], problems.Select(p => p.GetProperty("code").GetString()));
        var bowTie = problems[0].GetProperty("location");
        Assert.Equal("Point", bowTie.GetProperty("type").GetString());
        Assert.Equal(112.505, bowTie.GetProperty("coordinates")[0].GetDouble(), 9);
        Assert.Equal("Polygon", problems[1].GetProperty("location").GetProperty("type").GetString());
        var grids = body.GetProperty("grids").GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(2, grids.Count); // the bow-tie (to show where it is wrong) and the new grid; the foreign grid is left out
        Assert.Equal(JsonValueKind.Null, grids[1].GetProperty("properties").GetProperty("code").ValueKind);
    }

    [Fact]
    public async Task Refused_checks_are_problems_and_write_nothing()
    {
        var outside = await api.Population.ScalarAsync<string>("SELECT min(code) FROM admin_unit WHERE level = 5 AND code NOT LIKE '140428%'");
        var tiny = ("a.geojson", Encoding.UTF8.GetBytes("{}"));
        Assert.Equal(403, (await CheckAsync("county", Village, tiny)).Status);
        Assert.Equal(403, (await CheckAsync("village", Village, tiny)).Status);
        Assert.Equal(404, (await CheckAsync("planner", outside, tiny)).Status);
        Assert.Equal(404, (await CheckAsync("admin", "140428203299", tiny)).Status);
        Assert.Equal(400, (await CheckAsync("planner", "140428203", tiny)).Status);
        Assert.Equal(400, (await CheckAsync("planner", "'; DROP TABLE grid; --", tiny)).Status);
        Assert.Equal(400, (await CheckAsync("planner", Village)).Status);

        var (status, body) = await CheckAsync("planner", Village, ("huge.geojson", new byte[22 * 1024 * 1024]));
        Assert.Equal(413, status);
        Assert.Contains("KB", body.GetProperty("detail").GetString());

        var (json, jsonBody) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("planner"), HttpMethod.Post,
            $"/api/planning/villages/{Village}/import/check", new { grids = "not a file" });
        Assert.Equal(400, json);
        Assert.Contains("multipart", jsonBody.GetProperty("detail").GetString());
        Assert.Equal(78379L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid"));
    }
}

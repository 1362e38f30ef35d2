using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GridMap.Store.Boundaries;
using GridMap.Testing;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// POST /api/planning/villages/{village}/import: a village's grids exported, edited as a desktop GIS would (one grid
/// cut in two, the halves without codes) and sent back become the planner's draft, judged by the same rules; a file
/// with a problem changes nothing.
/// </summary>
public sealed class PlanningImportTests(PlanningApiFixture fixture) : IClassFixture<PlanningApiFixture>
{
    private const string Village = "140428100201";

    private static string Path(string rest = "") => $"/api/planning/villages/{Village}{rest}";

    private static async Task<(int Status, JsonElement Body)> ImportAsync(HttpClient client, FeatureCollection grids, int? draftVersion = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(grids, Geo.GeoJsonOptions)));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
        form.Add(file, "file", "grids-edited.geojson");
        if (draftVersion is { } version)
            form.Add(new StringContent(version.ToString(System.Globalization.CultureInfo.InvariantCulture)), "draftVersion");
        using var response = await client.PostAsync(Path("/import"), form);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 400)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static IEnumerable<JsonElement> Properties(JsonElement draft) =>
        draft.GetProperty("grids").GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties"));

    [Fact]
    public async Task An_edited_file_becomes_the_draft_and_a_file_with_a_problem_changes_nothing()
    {
        var planner = await fixture.ClientAsAsync("planner");
        var gridCount = await fixture.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", Village);
        Assert.True(gridCount >= 2, $"village {Village} has {gridCount} grids");
        Assert.Equal(200, (await PopulationApiFixture.SendAsync(planner, HttpMethod.Post, Path("/lock"))).Status);

        var exported = await planner.GetStringAsync($"/api/planning/export?unit={Village}&format=geojson");
        var grids = JsonSerializer.Deserialize<FeatureCollection>(exported, Geo.GeoJsonOptions)!;
        Assert.Equal(gridCount, grids.Count);

        // The file as exported: every grid kept, nothing to repair.
        var (status, draft) = await ImportAsync(planner, grids);
        Assert.Equal(200, status);
        Assert.All(Properties(draft), p => Assert.Equal("kept", p.GetProperty("status").GetString()));
        Assert.Equal(0, draft.GetProperty("violations").GetArrayLength());

        // The largest grid cut in two along the meridian through its centre; the halves carry no code.
        var largest = grids.OrderByDescending(f => f.Geometry.Area).First();
        var cutCode = largest.Attributes["code"].ToString()!;
        var households = await fixture.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = $1", cutCode);
        var box = largest.Geometry.EnvelopeInternal;
        var west = Geo.Factory.ToGeometry(new Envelope(box.MinX - 0.01, box.Centre.X, box.MinY - 0.01, box.MaxY + 0.01));
        var edited = new FeatureCollection();
        foreach (var feature in grids.Where(f => f != largest))
            edited.Add(feature);
        edited.Add(new Feature(largest.Geometry.Intersection(west), new AttributesTable()));
        edited.Add(new Feature(largest.Geometry.Difference(west), new AttributesTable()));

        (status, draft) = await ImportAsync(planner, edited, draftVersion: draft.GetProperty("draftVersion").GetInt32());
        Assert.Equal(200, status);
        var added = Properties(draft).Where(p => p.GetProperty("status").GetString() == "added").ToList();
        Assert.Equal(2, added.Count);
        Assert.All(added, p => Assert.Matches($"^{Village}[0-9]{{3}}$", p.GetProperty("code").GetString()!));
        Assert.DoesNotContain(cutCode, Properties(draft).Select(p => p.GetProperty("code").GetString()));
        Assert.Equal(households, added.Sum(p => p.GetProperty("households").GetInt32()));
        Assert.Contains(draft.GetProperty("lineage").EnumerateArray(), l => l.GetProperty("edit").GetString() == "replace"
            && l.GetProperty("from").EnumerateArray().Any(c => c.GetString() == cutCode));
        var version = draft.GetProperty("draftVersion").GetInt32();

        // A bow-tie in the file: every problem reported with where it is, and the draft left as it was.
        var bowTie = new FeatureCollection();
        foreach (var feature in edited.Take(edited.Count - 1))
            bowTie.Add(feature);
        var (x0, y0, x1, y1) = (box.MinX, box.MinY, box.MaxX, box.MaxY);
        bowTie.Add(new Feature(Geo.Factory.CreatePolygon([new(x0, y0), new(x1, y1), new(x1, y0), new(x0, y1), new(x0, y0)]), new AttributesTable()));
        (status, var refused) = await ImportAsync(planner, bowTie);
        Assert.Equal(422, status);
        var problem = Assert.Single(refused.GetProperty("problems").EnumerateArray());
        Assert.Equal(bowTie.Count - 1, problem.GetProperty("featureIndex").GetInt32());
        Assert.Equal(JsonValueKind.Object, problem.GetProperty("location").ValueKind);
        (status, draft) = await PopulationApiFixture.SendAsync(planner, HttpMethod.Get, Path("/draft"));
        Assert.Equal((200, version), (status, draft.GetProperty("draftVersion").GetInt32()));

        // A stale draft version is refused like any other stale edit.
        (status, _) = await ImportAsync(planner, edited, draftVersion: version - 1);
        Assert.Equal(409, status);
        Assert.Equal(204, (await PopulationApiFixture.SendAsync(planner, HttpMethod.Delete, Path("/lock"))).Status);
    }

    [Fact]
    public async Task Only_the_lock_holder_imports()
    {
        const string village = "140428100203";
        var other = await fixture.ClientAsAsync("planner2");
        var exported = await other.GetStringAsync($"/api/planning/export?unit={village}&format=geojson");
        using var form = new MultipartFormDataContent { { new StringContent(exported), "file", "grids.geojson" } };
        using var response = await other.PostAsync($"/api/planning/villages/{village}/import", form);
        Assert.Equal(409, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

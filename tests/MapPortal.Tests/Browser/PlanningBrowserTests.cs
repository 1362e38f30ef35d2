using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// Issue 7's "done when", in the browser: the planner opens a 长子县 village, takes the lock, splits a grid by a line
/// drawn on the map, reads the household preview of the two new grids and publishes with a reason; GeoApi and the
/// database then hold the new layout. The stack has a database of its own, so the publish touches no other test.
/// </summary>
public sealed class PlanningBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private static readonly LocatorAssertionsToHaveCountOptions Count = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveTextOptions Text = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = 30_000 };
    private static readonly PageWaitForFunctionOptions Patience = new() { Timeout = 30_000 };

    /// <summary>
    /// The grid to split and where: among 长子县 grids that fill much of their village (so they are large on screen), one a
    /// horizontal line can cut into exactly two parts with as many inhabited buildings on each side, the line clear of
    /// every building by about a metre. Returns the cut through the grid and a point inside it to click.
    /// </summary>
    private const string SplitSql = """
        WITH village AS (
            SELECT village_code, ST_Extent(geom) AS ext FROM grid WHERE left(code, 6) = $1 GROUP BY village_code HAVING count(*) >= 2),
        candidate AS MATERIALIZED (
            SELECT g.code, g.geom,
                   LEAST((ST_XMax(g.geom) - ST_XMin(g.geom)) / (ST_XMax(v.ext) - ST_XMin(v.ext)),
                         (ST_YMax(g.geom) - ST_YMin(g.geom)) / (ST_YMax(v.ext) - ST_YMin(v.ext))) AS share
            FROM grid g JOIN village v USING (village_code)
            WHERE g.households >= 10
            ORDER BY share DESC, g.code LIMIT 20),
        homes AS MATERIALIZED (
            SELECT c.code, b.geom FROM candidate c JOIN building b ON b.grid_code = c.code
            WHERE EXISTS (SELECT 1 FROM house hs JOIN household h ON h.house_id = hs.id WHERE hs.building_id = b.id)),
        cut AS (
            SELECT c.code, c.share, c.geom, ys.y,
                   ST_Intersection(c.geom, ST_MakeLine(ST_SetSRID(ST_MakePoint(ST_XMin(c.geom) - 0.01, ys.y), 4490),
                                                       ST_SetSRID(ST_MakePoint(ST_XMax(c.geom) + 0.01, ys.y), 4490))) AS segment,
                   abs((SELECT count(*) FROM homes h WHERE h.code = c.code AND ST_Y(ST_Centroid(h.geom)) < ys.y)
                     - (SELECT count(*) FROM homes h WHERE h.code = c.code AND ST_Y(ST_Centroid(h.geom)) > ys.y)) AS imbalance
            FROM candidate c
            CROSS JOIN LATERAL (SELECT ST_YMax(h.geom) + 0.00003 AS y FROM homes h WHERE h.code = c.code) ys
            WHERE NOT EXISTS (SELECT 1 FROM building b WHERE b.grid_code = c.code AND ST_DWithin(b.geom,
                ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_XMin(c.geom), ys.y), ST_MakePoint(ST_XMax(c.geom), ys.y)), 4490), 0.00001)))
        SELECT jsonb_build_object('code', code, 'segment', ST_AsGeoJSON(segment)::jsonb -> 'coordinates',
                                  'inside', ST_AsGeoJSON(ST_PointOnSurface(geom))::jsonb -> 'coordinates')::text
        FROM cut WHERE GeometryType(segment) = 'LINESTRING'
        ORDER BY imbalance, share DESC, code, y LIMIT 1
        """;

    private sealed record SplitPlan(string Code, double[][] Segment, double[] Inside)
    {
        public string Village => Code[..12];

        /// <summary>The drawn line: the cut through the grid, drawn on past both edges by a sixth of its length.</summary>
        public (double[] Start, double[] End) Line()
        {
            var (a, b) = (Segment[0], Segment[^1]);
            double dx = (b[0] - a[0]) / 6, dy = (b[1] - a[1]) / 6;
            return ([a[0] - dx, a[1] - dy], [b[0] + dx, b[1] + dy]);
        }
    }

    private async Task<SplitPlan> PlanSplitAsync() =>
        JsonSerializer.Deserialize<SplitPlan>(await stack.Population.ScalarAsync<string>(SplitSql, "140428"), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private async Task<PortalPage> SignInAsync(string path)
    {
        var page = await stack.OpenAsync(path, 1400, 900, waitForMap: false);
        await page.SubmitSignInAsync("planner");
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path, new PageWaitForURLOptions { Timeout = 30_000, WaitUntil = WaitUntilState.Commit });
        await page.WaitForMapAsync();
        return page;
    }

    /// <summary>Clicks a button of the page and waits until its action has finished (the page drops clicks while one runs).</summary>
    private static async Task ClickAndWaitAsync(PortalPage page, string testId)
    {
        var status = page.Page.GetByTestId("plan-status");
        var before = await status.GetAttributeAsync("data-actions-done");
        await page.Page.GetByTestId(testId).ClickAsync();
        await Assertions.Expect(status).Not.ToHaveAttributeAsync("data-actions-done", before!, Attribute);
    }

    /// <summary>Waits until the map is settled on the village, so pixels computed now stay where they are.</summary>
    private static async Task WaitSettledAsync(PortalPage page, string village) =>
        await page.Page.WaitForFunctionAsync("code => window.gridmap.shown === code", village, Patience);

    [Fact]
    public async Task The_planner_splits_a_zhangzi_grid_on_the_map_sees_the_households_and_publishes()
    {
        var plan = await PlanSplitAsync();
        var households = await stack.Population.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = $1", plan.Code);

        // From the menu to the village: the planning page lists the planner's county's townships, then villages.
        var page = await SignInAsync("/planning");
        await Assertions.Expect(page.Page.GetByTestId("nav-planning")).ToHaveAttributeAsync("href", "/planning", Attribute);
        var township = page.Page.Locator($"[data-testid=plan-unit][data-code='{plan.Code[..9]}']");
        await township.ClickAsync(new() { Timeout = 30_000 });
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == $"/planning?area={plan.Code[..9]}", new() { Timeout = 30_000 });
        await page.Page.Locator($"[data-testid=plan-unit][data-code='{plan.Village}']").ClickAsync(new() { Timeout = 30_000 });
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/planning/{plan.Village}", new() { Timeout = 30_000 });
        var version = page.Page.GetByTestId("plan-version");
        await Assertions.Expect(version).ToHaveTextAsync(new Regex(@"^\d+$"), Text);
        var before = int.Parse(await version.InnerTextAsync());

        await page.Page.GetByTestId("plan-lock-take").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("plan-lock")).ToHaveAttributeAsync("data-mine", "true", Attribute);
        var rows = page.Page.GetByTestId("plan-row");
        await Assertions.Expect(page.Page.Locator($"[data-testid=plan-row][data-code='{plan.Code}']")).ToHaveCountAsync(1, Count);
        await page.Page.WaitForFunctionAsync("code => (window.gridmap.draft || []).includes(code) && window.gridmap.tool === 'select'", plan.Code, Patience);
        await WaitSettledAsync(page, plan.Village);

        // Select the grid on the map, switch to the split tool and draw the line: a click, then a double click to finish.
        await page.ClickMapAtAsync(plan.Inside[0], plan.Inside[1]);
        await Assertions.Expect(page.Page.GetByTestId("plan-selection")).ToHaveAttributeAsync("data-codes", plan.Code, Attribute);
        await page.Page.GetByTestId("plan-split").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("plan-tools")).ToHaveAttributeAsync("data-tool", "line", Attribute);
        // The page renders before the map has switched tools; a click before that would select instead of draw.
        await page.Page.WaitForFunctionAsync("() => window.gridmap.tool === 'line'", null, Patience);
        var (start, end) = plan.Line();
        await page.ClickMapAtAsync(start[0], start[1]);
        var pixel = await page.Page.EvaluateAsync<double[]>("([lon, lat]) => window.gridmap.pixelOf(lon, lat)", end);
        var box = await page.Page.GetByTestId("map").BoundingBoxAsync();
        await page.Page.Mouse.DblClickAsync((float)(box!.X + pixel[0]), (float)(box.Y + pixel[1]));

        // The preview: the old code is gone from the draft, two new grids (marked 新) share its households.
        var added = page.Page.Locator("[data-testid=plan-row][data-status=added]");
        await Assertions.Expect(added).ToHaveCountAsync(2, Count);
        await Assertions.Expect(page.Page.Locator($"[data-testid=plan-row][data-code='{plan.Code}']")).ToHaveCountAsync(0, Count);
        await Assertions.Expect(added.GetByTestId("plan-new")).ToHaveCountAsync(2, Count);
        var newCodes = new List<string>();
        var split = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            newCodes.Add((await added.Nth(i).GetAttributeAsync("data-code"))!);
            split.Add(int.Parse((await added.Nth(i).GetAttributeAsync("data-households"))!));
        }
        Assert.All(newCodes, code => Assert.Matches($"^{plan.Village}\\d{{3}}$", code));
        Assert.All(split, n => Assert.True(n > 0, $"each new grid has households: {string.Join(", ", split)}"));
        Assert.Equal(households, split.Sum());
        await page.ScreenshotAsync("planning-split-preview");

        await page.Page.GetByTestId("plan-reason").FillAsync("按户数拆分网格 split by the household guideline");
        await Assertions.Expect(page.Page.GetByTestId("plan-publish")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.Page.GetByTestId("plan-publish").ClickAsync();

        var result = page.Page.GetByTestId("plan-result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-version", (before + 1).ToString(), Attribute);
        await Assertions.Expect(version).ToHaveTextAsync((before + 1).ToString(), Text);
        await Assertions.Expect(page.Page.GetByTestId("plan-retired")).ToHaveTextAsync(plan.Code, Text);
        await Assertions.Expect(page.Page.Locator($"[data-testid=plan-version-item][data-version='{before + 1}']")).ToHaveCountAsync(1, Count);
        await page.Page.WaitForFunctionAsync("() => window.gridmap.diff > 0", null, Patience);
        await page.ScreenshotAsync("planning-split-published");

        // GeoApi and the database agree: the old code is retired, the two new ones exist and hold its households.
        using var api = await stack.ApiClientAsync("planner");
        var versions = await api.GetFromJsonAsync<JsonElement>($"/api/planning/villages/{plan.Village}/versions");
        var newest = versions[0];
        Assert.Equal(before + 1, newest.GetProperty("version").GetInt32());
        Assert.Equal([plan.Code], newest.GetProperty("retired").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(newCodes.Order(), newest.GetProperty("added").EnumerateArray().Select(c => c.GetString()!).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/grids/{plan.Code}")).StatusCode);
        foreach (var code in newCodes)
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/grids/{code}")).StatusCode);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code = $1", plan.Code));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM grid_retired WHERE code = $1", plan.Code));
        Assert.Equal(2L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code = ANY($1)", (object)newCodes.ToArray()));
        Assert.Equal(households, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = ANY($1)", (object)newCodes.ToArray()));

        // Editing on starts from the new version: its grids are the published ones; releasing the lock ends the session.
        await page.Page.GetByTestId("plan-continue").ClickAsync();
        await Assertions.Expect(page.Page.Locator("[data-testid=plan-row][data-status=kept]").Filter(new() { HasText = newCodes[0][12..] }))
            .ToHaveCountAsync(1, Count);
        await Assertions.Expect(page.Page.GetByTestId("plan-diff")).ToHaveCountAsync(0, Count);
        await ClickAndWaitAsync(page, "plan-lock-release");
        await Assertions.Expect(page.Page.GetByTestId("plan-lock")).ToHaveAttributeAsync("data-mine", "false", Attribute);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Merging_grids_that_are_not_neighbours_is_refused_and_the_draft_stays_as_it_was()
    {
        var pair = await stack.Population.ScalarAsync<string>("""
            SELECT a.code || ',' || b.code FROM grid a JOIN grid b ON b.village_code = a.village_code AND b.code > a.code
            WHERE left(a.code, 6) = '140428' AND NOT ST_Intersects(a.geom, b.geom) ORDER BY a.code, b.code LIMIT 1
            """);
        var (first, second) = (pair.Split(',')[0], pair.Split(',')[1]);
        var village = first[..12];
        var page = await SignInAsync($"/planning/{village}");
        await page.Page.GetByTestId("plan-lock-take").ClickAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("plan-tools")).ToHaveAttributeAsync("data-draft-version", "1", Attribute);

        // Picking in the preview table works as on the map.
        await page.Page.Locator($"[data-testid=plan-row][data-code='{first}']").ClickAsync();
        await page.Page.Locator($"[data-testid=plan-row][data-code='{second}']").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("plan-selection")).ToHaveAttributeAsync("data-codes", $"{first},{second}", Attribute);
        await page.Page.GetByTestId("plan-merge").ClickAsync();

        await Assertions.Expect(page.Page.GetByTestId("plan-message")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("plan-tools")).ToHaveAttributeAsync("data-draft-version", "1", Attribute);
        await Assertions.Expect(page.Page.Locator("[data-testid=plan-row][data-status=kept]").Filter(new() { HasText = first[12..] })).ToHaveCountAsync(1, Count);
        await Assertions.Expect(page.Page.Locator("[data-testid=plan-row][data-status=kept]").Filter(new() { HasText = second[12..] })).ToHaveCountAsync(1, Count);

        await ClickAndWaitAsync(page, "plan-discard");
        await ClickAndWaitAsync(page, "plan-lock-release");
        await Assertions.Expect(page.Page.GetByTestId("plan-lock")).ToHaveAttributeAsync("data-mine", "false", Attribute);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM grid_edit_lock WHERE village_code = $1", village));
    }
    [Fact]
    public async Task The_planner_downloads_the_village_as_a_GeoPackage_and_imports_it_back_as_the_draft()
    {
        const string village = "140428100201";
        var gridCount = await stack.Population.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", village);
        var folder = Directory.CreateTempSubdirectory("gridmap-plan-files-").FullName;
        try
        {
            var page = await SignInAsync($"/planning/{village}");
            var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.GetByTestId("plan-export-gpkg").ClickAsync(),
                new() { Timeout = 30_000 });
            Assert.Equal($"grids-{village}.gpkg", download.SuggestedFilename);
            var file = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(file);
            Assert.Equal(gridCount, GridMap.Testing.Gdal.FeatureCount(GridMap.Testing.Gdal.Run("ogrinfo", "-ro", "-so", "-al", file)));

            await page.Page.GetByTestId("plan-lock-take").ClickAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Page.GetByTestId("plan-tools")).ToHaveAttributeAsync("data-draft-version", "1", Attribute);
            await page.Page.GetByTestId("plan-import").SetInputFilesAsync(file);
            await Assertions.Expect(page.Page.GetByTestId("plan-tools")).ToHaveAttributeAsync("data-draft-version", "2", Attribute);
            await Assertions.Expect(page.Page.Locator("[data-testid=plan-row][data-status=kept]")).ToHaveCountAsync((int)gridCount, Count);

            // A file with a bow-tie: its problem is listed and the draft stays as it was.
            var bowTie = Path.Combine(folder, "bow-tie.geojson");
            await File.WriteAllTextAsync(bowTie, """
                {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":null},
                 "geometry":{"type":"Polygon","coordinates":[[[112.80,36.10],[112.81,36.11],[112.81,36.10],[112.80,36.11],[112.80,36.10]]]}}]}
                """);
            await page.Page.GetByTestId("plan-import").SetInputFilesAsync(bowTie);
            await Assertions.Expect(page.Page.GetByTestId("plan-file-problems")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Page.GetByTestId("plan-tools")).ToHaveAttributeAsync("data-draft-version", "2", Attribute);

            await ClickAndWaitAsync(page, "plan-discard");
            await ClickAndWaitAsync(page, "plan-lock-release");
            await Assertions.Expect(page.Page.GetByTestId("plan-lock")).ToHaveAttributeAsync("data-mine", "false", Attribute);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using System.Text.Json;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// Every demo role × in-area / out-of-area × every people and building endpoint, with the expected answer written
/// out as data below. "hit" / "none": the search answered 200 with / without the building. "-": no such case (the
/// province has no outside; the audit trail has no area).
/// </summary>
public sealed class AccessMatrixTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string Matrix = """
        # account      in  out | building search person unmask groups visit audit | building search person unmask groups visit audit
        province       A   -   | 200      hit    200    200    200    403   403   | -        -      -      -      -      -     -
        city           A   E   | 200      hit    200    200    200    403   403   | 404      none   404    404    404    403   -
        county         A   D   | 200      hit    200    200    200    403   403   | 404      none   404    404    404    403   -
        township       A   T   | 200      hit    200    200    200    200   403   | 404      none   404    404    404    404   -
        village        A   V   | 200      hit    200    200    200    200   403   | 404      none   404    404    404    404   -
        gridmanager    A   B   | 200      hit    200    200    200    200   403   | 404      none   404    404    404    404   -
        gridmanager2   B   A   | 200      hit    200    200    200    200   403   | 404      none   404    404    404    404   -
        gridmanager3   E   A   | 200      hit    200    200    200    200   403   | 404      none   404    404    404    404   -
        civil          A   D   | 200      hit    200    200    200    200   403   | 404      none   404    404    404    404   -
        health         A   D   | 200      hit    404    404    200    404   403   | 404      none   404    404    404    404   -
        justice        A   D   | 200      hit    404    404    200    404   403   | 404      none   404    404    404    404   -
        police         A   D   | 200      hit    404    404    200    404   403   | 404      none   404    404    404    404   -
        urban          A   D   | 200      hit    403    403    403    404   403   | 404      none   403    403    403    404   -
        planner        A   D   | 200      hit    403    403    403    403   403   | 404      none   403    403    403    403   -
        auditor        A   D   | 403      403    403    403    403    403   200   | 403      403    403    403    403    403   -
        admin          A   D   | 403      403    403    403    403    403   403   | 403      403    403    403    403    403   -
        """;

    private static readonly string[] Endpoints = ["building", "search", "person", "unmask", "groups", "visit", "audit"];

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var line in Matrix.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            var head = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (account, inside, outside) = (head[0], head[1], head[2]);
            for (var side = 0; side < 2; side++)
            {
                var place = side == 0 ? inside : outside;
                var expected = parts[side + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i < Endpoints.Length; i++)
                    if (expected[i] != "-")
                        data.Add(account, Endpoints[i], place, expected[i]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Role_area_and_endpoint_give_the_expected_answer(string account, string endpoint, string place, string expected)
    {
        var client = await api.ClientAsAsync(account);
        var population = api.Population;
        var building = population.Buildings[place];
        var head = population.People[$"{place}-head"];
        var record = population.Records[$"{place}-head/low_income"];
        var (status, body) = endpoint switch
        {
            "building" => await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/buildings/{building}"),
            "search" => await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/buildings/search?q={Uri.EscapeDataString(Testing.PopulationFixture.AddressFragment(place))}"),
            "person" => await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/people/{head}"),
            "unmask" => await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/people/{head}/unmask", new { purpose = "矩阵测试 access matrix" }),
            "groups" => await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/special-groups?area={building[..15]}"),
            "visit" => await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/special-groups/{record}/visits", new { note = "入户走访，情况稳定" }),
            "audit" => await PopulationApiFixture.SendAsync(client, HttpMethod.Get, "/api/audit?limit=5"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
        switch (expected)
        {
            case "hit" or "none":
                Assert.Equal(200, status);
                var codes = body.EnumerateArray().Select(b => b.GetProperty("code").GetString()).ToList();
                Assert.Equal(expected == "hit", codes.Contains(building));
                break;
            default:
                Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), status);
                if (status == 200 && endpoint == "building")
                    Assert.Equal(building, body.GetProperty("code").GetString());
                if (status == 200 && endpoint == "person")
                    Assert.Equal(head, body.GetProperty("id").GetInt64());
                if (status == 200 && endpoint == "groups")
                    Assert.All(body.EnumerateArray(), r => Assert.StartsWith(building[..15], r.GetProperty("gridCode").GetString()));
                break;
        }
    }

    [Fact]
    public async Task Anonymous_requests_are_told_to_sign_in()
    {
        var client = api.Factory.CreateClient();
        foreach (var path in new[] { $"/api/buildings/{api.Population.Buildings["A"]}", "/api/buildings/search?q=测试巷", $"/api/people/{api.Population.People["A-head"]}", "/api/special-groups", "/api/audit" })
        {
            var (status, body) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, path);
            Assert.Equal(401, status);
            Assert.Contains("/api/auth/token", body.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public void The_matrix_covers_every_account_both_sides()
    {
        var cases = Cases().Select(c => ((string)c[0], (string)c[1], (string)c[2])).ToList();
        Assert.Equal(16, cases.Select(c => c.Item1).Distinct().Count());
        Assert.True(cases.Count > 150, $"only {cases.Count} cases");
        Assert.All(Store.Accounts.DemoAccounts.All, a => Assert.Contains(cases, c => c.Item1 == a.Username));
        _ = JsonSerializer.Serialize(cases);
    }
}

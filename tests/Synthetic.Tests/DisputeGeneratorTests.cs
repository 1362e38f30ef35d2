using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Database;
using GridMap.Store.Disputes;
using GridMap.Synthetic.Disputes;
using GridMap.Testing;

namespace GridMap.Synthetic.Tests;

/// <summary>The synthetic year of disputes: played through the workflow, labelled, and counted by the containment figure as a direct aggregate says.</summary>
public class DisputeGeneratorTests
{
    [Fact]
    public async Task A_generated_year_is_labelled_consistent_and_its_containment_figure_equals_a_direct_count()
    {
        await using var own = await TestDatabases.CreateAsync("disputes", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(own.ConnectionString);
        var generator = new DisputeGenerator(dataSource);
        Assert.False(await generator.ExistsAsync("140428"));
        var load = await generator.GenerateAsync("140428", 2026, 300, seed: 18);
        Assert.Equal(300, load.Settled + load.Referred + load.Open);
        Assert.True(await generator.ExistsAsync("140428"));

        Assert.Equal(300L, await dataSource.ScalarAsync<long>("SELECT count(*) FROM dispute WHERE recorded_by = 'synthetic' AND summary LIKE '%合成数据%'"));
        Assert.Equal(0L, await dataSource.ScalarAsync<long>("""
            SELECT count(*) FROM dispute d
            WHERE (state IN ('settled', 'closed')) <> (settled_level IS NOT NULL)
               OR (state IN ('settled', 'closed', 'referred')) <> (finished_at IS NOT NULL)
               OR (state = 'referred') <> (referred_to IS NOT NULL)
               OR (SELECT action FROM dispute_step s WHERE s.dispute_id = d.id AND s.seq = 1) <> 'Record'
               OR NOT EXISTS (SELECT 1 FROM dispute_party p WHERE p.dispute_id = d.id)
            """));
        Assert.True(await dataSource.ScalarAsync<long>("SELECT count(*) FROM dispute WHERE settled_level = 4") > 0);

        var county = new Caller("county", Role.CountyStaff, AdminCode.Parse("140428"), new HashSet<DataCategory>(), false, null);
        var report = (await new DisputeStore(dataSource, TimeProvider.System).ContainmentAsync(county, AdminCode.Parse("140428"), new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)))!;
        var general = report.Rows.Single(r => r.Severity == "general");
        Assert.Equal(await dataSource.ScalarAsync<long>(
            "SELECT count(*) FROM dispute WHERE severity = 'general' AND state <> 'referred' AND settled_level >= 5"), general.Counts.Village);
        Assert.Equal(await dataSource.ScalarAsync<long>(
            "SELECT count(*) FROM dispute WHERE severity = 'general' AND finished_at IS NOT NULL"), general.Counts.Finished);
        Assert.Equal(general.Counts.Village, general.WithinRule.Numerator);
        Assert.Equal(report.Rows.Sum(r => r.Counts.Finished), report.Children.Sum(c => c.Rows.Sum(r => r.Counts.Finished)));
    }
}

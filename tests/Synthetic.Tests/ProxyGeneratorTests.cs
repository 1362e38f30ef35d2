using GridMap.Store.Database;
using GridMap.Store.Proxy;
using GridMap.Synthetic.Proxy;
using GridMap.Testing;

namespace GridMap.Synthetic.Tests;

/// <summary>The synthetic year of proxy requests: against the county's catalogue, played through the workflow, labelled, and consistent.</summary>
public class ProxyGeneratorTests
{
    [Fact]
    public async Task A_generated_year_is_labelled_and_every_request_follows_the_workflow()
    {
        await using var own = await TestDatabases.CreateAsync("proxy", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(own.ConnectionString);
        var generator = new ProxyGenerator(dataSource);
        await Assert.ThrowsAsync<InvalidOperationException>(() => generator.GenerateAsync("140428", 2026, 10, seed: 18));
        await CatalogueFile.PublishAsync(dataSource, "140428", ifMissing: false);
        Assert.False(await generator.ExistsAsync("140428"));
        var load = await generator.GenerateAsync("140428", 2026, 150, seed: 18);
        Assert.Equal(150, load.Done + load.Refused + load.Open);
        Assert.True(load.Done > 100, $"{load.Done} done");
        Assert.True(await generator.ExistsAsync("140428"));
        Assert.Equal(150L, await dataSource.ScalarAsync<long>("SELECT count(*) FROM proxy_request WHERE synthetic AND note = '合成数据'"));
        // Finished ones have a result and a finishing time, at the deciding level; every history starts with Take; nobody was notified.
        Assert.Equal(0L, await dataSource.ScalarAsync<long>("""
            SELECT count(*) FROM proxy_request r JOIN catalogue_service s USING (catalogue_id, service_key)
            WHERE (r.state IN ('done', 'refused')) <> (r.result IS NOT NULL AND r.finished_at IS NOT NULL)
               OR (r.state IN ('done', 'refused') AND r.level <> s.competent_level)
               OR (SELECT action FROM proxy_request_step p WHERE p.request_id = r.id AND p.seq = 1) <> 'Take'
            """));
        Assert.Equal(0L, await dataSource.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE kind = 'proxy'"));
    }
}

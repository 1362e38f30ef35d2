using GridMap.Architecture.Tests.Samples;

namespace GridMap.Architecture.Tests;

/// <summary>
/// The dependency direction Domain ← Store ← hosts, said as tests: Domain does no I/O, Store knows no HTTP, hosts hold no
/// SQL and run no queries themselves, and no host uses the synthetic data makers. Each rule is also run on a deliberate
/// violation (Samples/) to show it can fail.
/// </summary>
public class LayeringTests
{
    private const string SamplesNamespace = "GridMap.Architecture.Tests.Samples";

    [Fact]
    public void Domain_depends_on_no_other_layer_and_does_no_io() =>
        Assert.Empty(Rules.TypesDependingOn(Layers.Domain, Rules.DomainForbidden));

    [Fact]
    public void Domain_rule_catches_a_file_read_and_a_store_call() =>
        Assert.Contains(typeof(ViolatingLayerCode).FullName, Rules.TypesDependingOn(typeof(LayeringTests).Assembly, Rules.DomainForbidden, SamplesNamespace));

    [Fact]
    public void Store_knows_no_http_and_no_layer_above_it()
    {
        Assert.Empty(Rules.TypesDependingOn(Layers.Store, Rules.StoreForbidden));
        Assert.Empty(Rules.ReferencedAssemblies(Layers.Store, "Microsoft.AspNetCore"));
    }

    [Fact]
    public void Store_rule_catches_code_that_answers_http() =>
        Assert.Contains(typeof(ViolatingLayerCode).FullName, Rules.TypesDependingOn(typeof(LayeringTests).Assembly, Rules.StoreForbidden, SamplesNamespace));

    [Theory]
    [MemberData(nameof(Layers.HostNames), MemberType = typeof(Layers))]
    public void Host_holds_no_sql_text(string host) =>
        Assert.Empty(Rules.SqlText(System.Reflection.Assembly.Load(host)));

    [Fact]
    public void Sql_rule_catches_a_query_and_a_listen_in_host_code()
    {
        var found = Rules.SqlText(typeof(LayeringTests).Assembly, SamplesNamespace);
        Assert.Contains(found, f => f.Contains("SELECT count(*) FROM grid", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("LISTEN tile_invalidation", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SELECT id FROM grid WHERE code = $1", true)]
    [InlineData("INSERT INTO event (id) VALUES ($1)", true)]
    [InlineData("UPDATE grid SET name = $1", true)]
    [InlineData("DELETE FROM tiles", true)]
    [InlineData("SELECT 1", true)]
    [InlineData("SELECT pg_notify($1, $2)", true)]
    [InlineData("UNLISTEN *", true)]
    [InlineData("select", false)]
    [InlineData("LISTEN gridmap_events", true)]
    [InlineData("LISTEN {0}", true)]
    [InlineData("NOTIFY tile_invalidation, 'dataset'", true)]
    [InlineData("Event feed lost its LISTEN connection; reconnecting in {Delay}", false)]
    [InlineData("选择一个村", false)]
    public void Sql_text_is_told_from_other_strings(string text, bool sql) => Assert.Equal(sql, Rules.LooksLikeSql(text));

    [Theory]
    [MemberData(nameof(Layers.HostNames), MemberType = typeof(Layers))]
    public void Host_runs_no_queries_through_npgsql_itself(string host) =>
        Assert.Empty(Rules.TypesDependingOn(System.Reflection.Assembly.Load(host), Rules.NpgsqlQueryTypes));

    [Fact]
    public void Npgsql_rule_catches_a_host_that_queries() =>
        Assert.Contains(typeof(ViolatingHostCode).FullName, Rules.TypesDependingOn(typeof(LayeringTests).Assembly, Rules.NpgsqlQueryTypes, SamplesNamespace));

    [Theory]
    [MemberData(nameof(Layers.HostNames), MemberType = typeof(Layers))]
    public void Host_does_not_reference_the_synthetic_data_makers(string host)
    {
        var assembly = System.Reflection.Assembly.Load(host);
        Assert.Empty(Rules.ReferencedAssemblies(assembly, "GridMap.Synthetic"));
        Assert.Empty(Rules.TypesDependingOn(assembly, ["GridMap.Synthetic"]));
    }

    [Fact]
    public void Synthetic_rule_catches_a_reference_to_the_makers()
    {
        Assert.NotEmpty(Rules.ReferencedAssemblies(typeof(LayeringTests).Assembly, "GridMap.Synthetic"));
        Assert.Contains(typeof(ViolatingLayerCode).FullName, Rules.TypesDependingOn(typeof(LayeringTests).Assembly, ["GridMap.Synthetic"], SamplesNamespace));
    }

    [Fact]
    public void The_field_app_runs_in_the_browser_on_domain_rules_only()
    {
        // It reaches the data through GeoApi over HTTP, like any client: no store, no database driver, no server host.
        var field = System.Reflection.Assembly.Load("GridMap.FieldApp");
        foreach (var forbidden in new[] { "GridMap.Store", "GridMap.Hosting", "GridMap.Synthetic", "Npgsql", "Microsoft.AspNetCore.Http" })
            Assert.Empty(Rules.ReferencedAssemblies(field, forbidden));
        Assert.NotEmpty(Rules.ReferencedAssemblies(field, "GridMap.Domain"));
    }

    [Fact]
    public void The_simulator_reaches_gridmap_only_through_its_http_api()
    {
        // Issue 19: "it never writes SQL itself" — no database driver, no store, no SQL text; its HTTP client is seen (the
        // namespace filter is not empty). `gridmap simulate` takes no --db option and reads no connection string.
        const string simulation = "GridMap.Synthetic.Simulation";
        Assert.Empty(Rules.TypesDependingOn(Layers.Synthetic, ["Npgsql", "GridMap.Store"], simulation));
        Assert.Empty(Rules.SqlText(Layers.Synthetic, simulation));
        Assert.NotEmpty(Rules.TypesDependingOn(Layers.Synthetic, ["System.Net.Http.HttpClient"], simulation));
    }
}

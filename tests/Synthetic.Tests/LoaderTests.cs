using System.Diagnostics;
using GridMap.Store.Database;
using GridMap.Synthetic.Generation;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Synthetic.Tests;

/// <summary>Loads replace the province in one transaction: interrupted, they leave the previous province whole.</summary>
public class LoaderTests
{
    [Fact]
    public async Task A_cancelled_load_leaves_the_previous_province_untouched()
    {
        await using var db = await TestDatabases.CreateAsync("cancelled", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var (source, targets) = GeneratorTests.Zhangzi();
        var county = new ProvinceGenerator(source, targets).Generate();
        var loadsBefore = await Count(dataSource, "dataset_load");

        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(step => { if (step == "units") cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ProvinceLoader(dataSource).LoadAsync(county, progress, cancel.Token));

        Assert.Equal(78_379L, await Count(dataSource, "grid"));
        Assert.Equal(77_644L, await Count(dataSource, "grid_manager"));
        Assert.Equal(loadsBefore, await Count(dataSource, "dataset_load"));
    }

    [Fact]
    public async Task A_completed_load_replaces_the_province_and_is_recorded()
    {
        await using var db = await TestDatabases.CreateAsync("replaced", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var (source, targets) = GeneratorTests.Zhangzi(seed: 99);
        var county = new ProvinceGenerator(source, targets).Generate();

        await new ProvinceLoader(dataSource).LoadAsync(county);

        Assert.Equal(3_500L, await Count(dataSource, "grid"));
        Assert.Equal(3_500, await Scalar<int>(dataSource, "SELECT grid_count FROM unit_grid_summary WHERE unit_code = '140428'"));
        // History starts again: the new grids are version 1 of their villages, nothing of the old province remains.
        Assert.Equal(3_500L, await Count(dataSource, "grid_history"));
        Assert.Equal(0L, await Scalar<long>(dataSource, "SELECT count(*) FROM grid g LEFT JOIN grid_history h ON h.code = g.code AND ST_Equals(h.geom, g.geom) AND h.to_version IS NULL WHERE h.code IS NULL"));
        Assert.Equal(await Scalar<long>(dataSource, "SELECT count(DISTINCT village_code) FROM grid"), await Count(dataSource, "grid_version"));
        Assert.NotNull(await new ProvinceLoader(dataSource).FindLoadAsync(99, ProvinceGenerator.Version));
        Assert.Null(await new ProvinceLoader(dataSource).FindLoadAsync(98, ProvinceGenerator.Version));
    }

    [Fact]
    public async Task Killing_the_generate_command_mid_load_loses_nothing()
    {
        await using var db = await TestDatabases.CreateAsync("killed", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var loadsBefore = await Count(dataSource, "dataset_load");
        var managersBefore = await Scalar<string>(dataSource, "SELECT md5(string_agg(grid_code || name, ',' ORDER BY grid_code)) FROM grid_manager");

        var cli = typeof(GridMap.Cli.Commands.CommandTree).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "generate", "--seed", "4242", "--db", db.ConnectionString])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        using var process = Process.Start(start)!;
        var output = new List<string>();
        // The loader reports every 10,000 grids copied; the first such line means COPY is under way.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output.Add(line);
            if (line.TrimStart().StartsWith("grids", StringComparison.Ordinal))
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }
        await process.WaitForExitAsync();
        Assert.Contains(output, l => l.TrimStart().StartsWith("grids", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains("loaded into PostGIS"));

        NpgsqlConnection.ClearAllPools();
        Assert.Equal(78_379L, await Count(dataSource, "grid"));
        Assert.Equal(loadsBefore, await Count(dataSource, "dataset_load"));
        Assert.Equal(managersBefore, await Scalar<string>(dataSource, "SELECT md5(string_agg(grid_code || name, ',' ORDER BY grid_code)) FROM grid_manager"));
    }

    private static Task<long> Count(NpgsqlDataSource dataSource, string table) => Scalar<long>(dataSource, $"SELECT count(*) FROM {table}");

    private static async Task<T> Scalar<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test needs the callback before the next COPY starts.</summary>
    private sealed class SynchronousProgress(Action<string> onStep) : IProgress<(string Step, int Done, int Total)>
    {
        public void Report((string Step, int Done, int Total) value) => onStep(value.Step);
    }
}

using System.Data;
using GridMap.Store.Boundaries;
using GridMap.Store.Database;
using GridMap.Synthetic.EventHistory;
using GridMap.Synthetic.Generation;
using GridMap.Synthetic.Population;
using Npgsql;

namespace GridMap.Testing;

/// <summary>
/// The real PostGIS server the tests use, named by one environment variable, <c>GRIDMAP_TEST_DB</c> (an Npgsql
/// connection string for a role that may create databases; ./test.sh starts a private cluster and sets it).
/// Read-only tests share <c>gridmap_province</c>, a copy of the generated province with the population of 长子县
/// (<see cref="PopulationCounty"/>); tests that write get their own
/// database, created empty or from the province template, and dropped afterwards.
/// </summary>
public static class TestDatabases
{
    public const string EnvironmentVariable = "GRIDMAP_TEST_DB";
    public const string TemplateName = "gridmap_template";
    public const string ProvinceName = "gridmap_province";

    /// <summary>The city whose 2013 event history the template holds (晋中市).</summary>
    public const string EventCity = "1407";
    public const int EventYear = 2013;

    /// <summary>The county whose synthetic population the template holds (长子县).</summary>
    public const string PopulationCounty = "140428";

    // Creating the template takes the whole province generation; test assemblies run in parallel, so they take
    // turns through a server-wide advisory lock.
    private const long TemplateLockKey = 0x67_72_69_64_6d_61_70;

    // The template holds 晋中市's event history (about 1.4 GB in all): PostgreSQL 15's default WAL_LOG strategy writes every
    // page of a clone to the WAL, FILE_COPY copies the files (two checkpoints), several times faster for a database this size.
    private const string CloneStrategy = "STRATEGY FILE_COPY";

    private static readonly SemaphoreSlim ProvinceGate = new(1, 1);
    private static string? provinceConnectionString;

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"Set {EnvironmentVariable} to an Npgsql connection string of a PostGIS server where the role may create databases (./test.sh does this).");

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>The shared, read-only copy of the generated province; generated on first use if ./test.sh has not.</summary>
    public static async Task<string> ProvinceAsync()
    {
        await ProvinceGate.WaitAsync();
        try
        {
            if (provinceConnectionString is not null)
                return provinceConnectionString;
            await using var server = await OpenServerAsync();
            await Execute(server, $"SELECT pg_advisory_lock({TemplateLockKey})");
            try
            {
                if (!await IsCurrentProvinceAsync(TemplateName))
                {
                    await DropAsync(server, ProvinceName);
                    await DropAsync(server, TemplateName);
                    await GenerateTemplateAsync();
                }
                else if (Migrator.Migrate(ConnectionStringFor(TemplateName)).Count > 0)
                {
                    // A template generated before a new migration gains it; its old copy is replaced.
                    await DropAsync(server, ProvinceName);
                }
                // A copy made from an older template (./test.sh may have just added the population to it) is replaced too.
                if (await ExistsAsync(server, ProvinceName) && !await IsCurrentProvinceAsync(ProvinceName))
                    await DropAsync(server, ProvinceName);
                if (!await ExistsAsync(server, ProvinceName))
                    await Execute(server, $"CREATE DATABASE {ProvinceName} TEMPLATE {TemplateName} {CloneStrategy}");
            }
            finally
            {
                if (server.State == ConnectionState.Open)
                    await Execute(server, $"SELECT pg_advisory_unlock({TemplateLockKey})");
            }
            return provinceConnectionString = ConnectionStringFor(ProvinceName);
        }
        finally
        {
            ProvinceGate.Release();
        }
    }

    /// <summary>A new database of the test's own: migrated and empty, or (withProvince) a copy of the generated province.</summary>
    public static async Task<OwnDatabase> CreateAsync(string purpose, bool withProvince = false, bool migrate = true)
    {
        var name = $"gm_{new string(purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}_{Guid.NewGuid():N}"[..40];
        await using var server = await OpenServerAsync();
        if (withProvince)
        {
            await ProvinceAsync();
            // A clone holds the template's database lock for the whole copy, and a new connection to the template (the
            // currency check of another test process) would wait behind it past its connect timeout: clones share the
            // template lock, the check takes it alone.
            await Execute(server, $"SELECT pg_advisory_lock_shared({TemplateLockKey})");
            try
            {
                await Execute(server, $"CREATE DATABASE {name} TEMPLATE {TemplateName} {CloneStrategy}");
            }
            finally
            {
                // A session's advisory locks end with it: a connection the clone broke has nothing left to unlock, and
                // trying would hide the clone's own error.
                if (server.State == ConnectionState.Open)
                    await Execute(server, $"SELECT pg_advisory_unlock_shared({TemplateLockKey})");
            }
        }
        else
        {
            await Execute(server, $"CREATE DATABASE {name}");
            if (migrate)
                Migrator.Migrate(ConnectionStringFor(name));
        }
        return new OwnDatabase(name, ConnectionStringFor(name));
    }

    internal static async Task DropAsync(string name)
    {
        await using var server = await OpenServerAsync();
        await DropAsync(server, name);
    }

    private static async Task GenerateTemplateAsync()
    {
        var connectionString = ConnectionStringFor(TemplateName);
        Migrator.Migrate(connectionString);
        var province = new ProvinceGenerator(DivisionSource.Load(BoundaryFiles.Locate()), new GenerationTargets()).Generate();
        await using var dataSource = GridMapDataSource.Create(connectionString);
        await new ProvinceLoader(dataSource).LoadAsync(province);
        var population = new PopulationGenerator(await PopulationSource.LoadAsync(dataSource, PopulationCounty)).Generate();
        await new PopulationLoader(dataSource).LoadAsync(population);
        var targets = EventHistoryTargets.Jinzhong2013(seed: 2013);
        var events = new EventHistoryGenerator(await EventHistorySource.LoadAsync(dataSource, EventCity), targets).Plan();
        await new EventHistoryLoader(dataSource).LoadAsync(events, EventCity, targets);
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task<bool> IsCurrentProvinceAsync(string database)
    {
        await using var server = await OpenServerAsync();
        if (!await ExistsAsync(server, database))
            return false;
        await using var dataSource = GridMapDataSource.Create(ConnectionStringFor(database));
        try
        {
            var loadedAt = await new ProvinceLoader(dataSource).FindLoadAsync(new GenerationTargets().Seed, ProvinceGenerator.Version);
            var populatedAt = await new PopulationLoader(dataSource).FindLoadAsync(PopulationCounty, PopulationGenerator.DefaultSeed, PopulationGenerator.Version);
            var eventsAt = await new EventHistoryLoader(dataSource).FindLoadAsync(EventCity, EventYear);
            return loadedAt is not null && populatedAt is not null && eventsAt is not null;
        }
        catch (PostgresException)
        {
            return false;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static async Task<NpgsqlConnection> OpenServerAsync()
    {
        var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection server, string name)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", server);
        command.Parameters.Add(new() { Value = name });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task DropAsync(NpgsqlConnection server, string name) =>
        await Execute(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    private static async Task Execute(NpgsqlConnection server, string sql)
    {
        // Creating a database from the template waits for its copy and checkpoints, and the template lock waits for clones: no timer.
        await using var command = new NpgsqlCommand(sql, server) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A database one test (class) owns; dropped on dispose.</summary>
public sealed class OwnDatabase(string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await TestDatabases.DropAsync(Name);
    }
}

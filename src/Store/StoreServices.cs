using GridMap.Store.Database;
using GridMap.Store.Grids;
using GridMap.Store.Search;
using GridMap.Store.Units;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GridMap.Store;

public static class StoreServices
{
    /// <summary>
    /// Registers the one data source and the stores. The connection string comes from <c>Database:ConnectionString</c>
    /// (appsettings, <c>Database__ConnectionString</c>, command line), else from the <c>GRIDMAP_DB</c> environment
    /// variable; start-up fails fast when neither is set.
    /// </summary>
    public static IServiceCollection AddGridMapStore(this IServiceCollection services, IConfiguration configuration, string applicationName,
        DataSourceProfile? profile = null)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ConnectionString)
                    && Environment.GetEnvironmentVariable(DatabaseOptions.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
                    o.ConnectionString = fromEnvironment;
                if (string.IsNullOrWhiteSpace(o.ReadConnectionString)
                    && Environment.GetEnvironmentVariable(DatabaseOptions.ReadEnvironmentVariable) is { Length: > 0 } reads)
                    o.ReadConnectionString = reads;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                $"No database: set {DatabaseOptions.EnvironmentVariable} or Database:ConnectionString.")
            .Validate(o => TryParse(o.ConnectionString), "Database:ConnectionString is not a valid Npgsql connection string.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ReadConnectionString) || TryParse(o.ReadConnectionString),
                "Database:ReadConnectionString is not a valid Npgsql connection string.")
            .Validate(o => o.MaxReplicaLagBytes > 0, "Database:MaxReplicaLagBytes is above 0.")
            .ValidateOnStart();
        services.AddSingleton(sp => GridMapDataSource.Create(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString, applicationName, profile));
        services.AddSingleton<UnitStore>();
        services.AddSingleton<Divisions.DivisionCodeStore>();
        services.AddSingleton<GridStore>();
        services.AddSingleton<SearchStore>();
        services.AddSingleton<DatabaseHealth>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new ReadReplicas(sp.GetRequiredService<NpgsqlDataSource>(), options.ReadConnectionString, applicationName, options.MaxReplicaLagBytes, profile);
        });
        services.AddSingleton(sp => new Tiles.VectorTileStore(sp.GetRequiredService<ReadReplicas>()));
        services.AddSingleton<Tiles.TileInvalidationStore>();
        // Stateful (one connection, its counters): each owner gets its own.
        services.AddTransient<Notifications.NotificationListener>();
        services.AddSingleton<Features.FeatureStore>();
        services.AddSingleton<Planning.Exchange.GridExportStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<Residents.ResidentStore>();
        services.AddOptions<Register.RegisterOptions>()
            .Bind(configuration.GetSection(Register.RegisterOptions.SectionName))
            .Validate(o => o.ConcurrentWrites is >= 1 and <= 1000, "Register:ConcurrentWrites is between 1 and 1000.")
            .ValidateOnStart();
        services.AddSingleton<Register.RegisterStore>();
        services.AddSingleton<Field.FieldStore>();
        services.AddOptions<Events.IntakeOptions>()
            .Bind(configuration.GetSection(Events.IntakeOptions.SectionName))
            .Validate(o => o.QueueCapacity is >= 1 and <= 100_000, "Intake:QueueCapacity is between 1 and 100000.")
            .Validate(o => o.BatchSize is >= 1 and <= 200, "Intake:BatchSize is between 1 and 200 (a batch's live-map notice stays under 8,000 bytes).")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var intake = sp.GetRequiredService<IOptions<Events.IntakeOptions>>().Value;
            return new Events.EventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>())
            {
                Replicas = sp.GetRequiredService<ReadReplicas>(),
                IntakeQueueCapacity = intake.QueueCapacity,
                IntakeBatchSize = intake.BatchSize,
            };
        });
        services.AddSingleton(sp => new Accounts.StaffingStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Villages.VillageStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Proxy.CatalogueStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Proxy.ProxyStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Disputes.DisputeStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Assessment.AssessmentStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ReadReplicas>()));
        services.AddSingleton(sp => new Inbox.InboxStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Open311.Open311Store>();
        services.AddSingleton<Planning.PlanningStore>();
        services.AddSingleton(sp => new Wall.WallStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(sp => new Kpi.KpiStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ReadReplicas>()));
        services.AddSingleton(sp => new Imports.DepartmentImporter(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static bool TryParse(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

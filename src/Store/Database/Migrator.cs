using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace GridMap.Store.Database;

/// <summary>Applies <c>db/migrations/*.sql</c> in name order with DbUp, each script once, each in its own transaction.</summary>
public static class Migrator
{
    public static IReadOnlyList<string> Migrate(string connectionString, Action<string>? log = null)
    {
        EnsureDatabase.For.PostgresqlDatabase(connectionString, new QuietLog());
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith("GridMap.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", "schema_migrations")
            .LogTo(new QuietLog())
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        var applied = result.Scripts.Select(s => s.Name.Replace("GridMap.Migrations.", "")).ToList();
        foreach (var name in applied)
            log?.Invoke($"applied {name}");
        NpgsqlConnection.ClearAllPools();
        return applied;
    }

    /// <summary>
    /// Drops the database the connection string names (through the server's <c>postgres</c> database, closing its
    /// sessions) and creates and migrates it afresh. For a development cluster whose data cannot be carried over.
    /// </summary>
    public static void Recreate(string connectionString, Action<string>? log = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        builder.Database = "postgres";
        NpgsqlConnection.ClearAllPools();
        using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
        }
        log?.Invoke($"dropped database {name}");
        Migrate(connectionString, log);
    }

    private sealed class QuietLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) { }
        public void LogWarning(string format, params object[] args) { }
        public void LogError(string format, params object[] args) => Console.Error.WriteLine(format, args);
        public void LogError(Exception ex, string format, params object[] args) => Console.Error.WriteLine(format, args);
    }
}

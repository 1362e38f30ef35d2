using Npgsql;

namespace GridMap.Store.Notifications;

/// <summary>Sends a notice on a channel, as the database's own triggers do; drills use it to prove a listener hears again.</summary>
public static class Notifier
{
    public static async Task NotifyAsync(NpgsqlDataSource dataSource, string channel, string payload, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = channel });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
        await command.ExecuteNonQueryAsync(ct);
    }
}

using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.Domain.Events.Kpi;
using GridMap.Store.Database;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Wall;

/// <summary>A count of a day (China time).</summary>
public sealed record WallDay(DateOnly Day, int Reported, int Accepted, int Closed);

public sealed record WallCategory(string Code, string Name, int Count);

public sealed record WallEvent(long Id, string TrackingNo, string Category, string Grid, string Owner, DateTimeOffset? Due, int Supervisions = 0);

/// <summary>A child of the unit on the ranking: the last 30 days' cohort and what is open now.</summary>
public sealed record WallChild(string Code, string Name, int Reported, int ClosedOnTime, int Due, int Open, int Overdue)
{
    public double? OnTimeClosure => Due == 0 ? null : (double)ClosedOnTime / Due;
}

/// <summary>Everything the wall display of one unit shows, read in one statement.</summary>
public sealed record WallBoard(
    DateTimeOffset At, DateOnly Today, IReadOnlyList<WallDay> Days, KpiRate OnTimeClosure, KpiRate Disposal, IReadOnlyList<WallCategory> Categories,
    int Open, int Overdue, int Supervised, IReadOnlyList<WallEvent> OverdueList, IReadOnlyList<WallEvent> SupervisedList, IReadOnlyList<WallChild> Children)
{
    public WallDay Day(DateOnly day) => Days.FirstOrDefault(d => d.Day == day) ?? new WallDay(day, 0, 0, 0);
}

/// <summary>The wall display's read model (issue 19): one JSON document per unit from <c>event</c> (see Wall.sql).</summary>
public sealed class WallStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<WallBoard> GetAsync(AdminCode unit, CancellationToken ct = default)
    {
        var childLength = unit.Level switch
        {
            AdminLevel.Province => 4,
            AdminLevel.City => 6,
            AdminLevel.County => 9,
            AdminLevel.Township => 12,
            _ => 15,
        };
        await using var command = dataSource.CreateCommand(SqlResource.Get("Wall/Wall.sql"));
        command.Parameters.Add(new NpgsqlParameter { Value = unit.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = childLength, NpgsqlDbType = NpgsqlDbType.Integer });
        var json = (string)(await command.ExecuteScalarAsync(ct))!;
        return JsonSerializer.Deserialize<WallBoard>(json, Json)!;
    }
}

using System.Text.Json;

namespace GridMap.Synthetic.Simulation;

/// <summary>
/// What the simulator must remember across a restart, in one JSON file written atomically at the end of every tick (and
/// when it opens an account): the simulated clock, the next report's number (its idempotency key), the accounts it opened
/// with their passwords, and the events it is carrying with the next step's simulated time. A report or action sent in a
/// tick that was not recorded is sent again with the same key or row version and changes nothing twice.
/// </summary>
public sealed class SimulationState
{
    /// <summary>Names this simulation's idempotency keys; new for each state file.</summary>
    public string Run { get; set; } = Guid.NewGuid().ToString("N")[..12];

    public DateTimeOffset? Clock { get; set; }
    public long NextReport { get; set; }
    public long Actions { get; set; }
    public long Refused { get; set; }

    /// <summary>Field rounds started (their idempotency keys) and those that verified a household or recorded a visit.</summary>
    public long FieldRounds { get; set; }
    public long FieldDone { get; set; }

    /// <summary>Whether the demo desk has been filled once (after that it is topped up at the working pace).</summary>
    public bool DemoFilled { get; set; }
    public Dictionary<string, string> Passwords { get; set; } = [];
    public Dictionary<long, CarriedEvent> Events { get; set; } = [];

    /// <summary>Events this run reported per state they ended in (closed, rejected, resolved on the spot …).</summary>
    public Dictionary<string, long> Finished { get; set; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static SimulationState Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<SimulationState>(File.ReadAllText(path), Json) ?? new() : new();

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>An event the simulator carries: where it stands as last seen, and what its plan still holds.</summary>
public sealed class CarriedEvent
{
    public long Id { get; set; }
    public string Grid { get; set; } = "";
    public string County { get; set; } = "";
    public int Version { get; set; }
    public string State { get; set; } = "";
    public string OwnerUnit { get; set; } = "";
    public int OwnerLevel { get; set; }
    public string? OwnerDepartment { get; set; }
    public DateTimeOffset? Due { get; set; }
    public int RouteLevel { get; set; }
    public string? RouteDepartment { get; set; }
    public bool Escalated { get; set; }
    public DateTimeOffset NextAt { get; set; }
    public int Steps { get; set; }
    public EventPlan Plan { get; set; } = new();
}

/// <summary>The turns an event's life takes, drawn when it is reported.</summary>
public sealed class EventPlan
{
    public bool Reject { get; set; }
    public bool OnTheSpot { get; set; }
    public bool Escalate { get; set; }
    public bool Rework { get; set; }
    public bool Supervise { get; set; }
    public bool Late { get; set; }
    public bool HumanDesk { get; set; }
}

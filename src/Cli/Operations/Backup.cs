using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Cli.Operations;

/// <summary>
/// A backup folder as <c>gridmap backup</c> keeps it: <c>base/&lt;UTC time&gt;/</c> holds base backups (pg_basebackup, tar,
/// gzip, with the WAL they need and <c>backup.json</c> saying when each started and finished) and <c>wal/</c> the
/// continuous WAL archive that pg_receivewal writes from a replication slot (the segment being written is
/// <c>….partial</c>). A restore to a time takes the last base backup finished before it and replays the archive up to it.
/// </summary>
internal sealed partial class Backup(string connectionString, NpgsqlDataSource dataSource, TextWriter output)
{
    /// <summary>The slot the continuous archive streams from: the server keeps WAL until the archive has it.</summary>
    public const string DefaultSlot = "gridmap_archive";

    public static string BaseFolder(string into) => Path.Combine(into, "base");

    public static string WalFolder(string into) => Path.Combine(into, "wal");

    /// <summary>When a base backup started and finished (UTC), written beside it once pg_basebackup succeeded.</summary>
    /// <param name="Settings">The server settings a restored copy starts with (<see cref="WalStore.SettingsForCopiesAsync"/>).</param>
    public sealed record Label(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, long Bytes, IReadOnlyDictionary<string, string> Settings);

    public const string LabelFile = "backup.json";

    private readonly PostgresTools tools = new(connectionString);

    /// <summary>
    /// Starts the continuous archive: pg_receivewal from <paramref name="slot"/> (created if missing) into
    /// <c>wal/</c>, each WAL record flushed to disk as it arrives (--synchronous). It reconnects by itself after the
    /// server restarts; stop it by killing the process.
    /// </summary>
    public async Task<Process> StartArchiveAsync(string into, string slot, CancellationToken ct)
    {
        Directory.CreateDirectory(WalFolder(into));
        if (await new WalStore(dataSource).EnsureSlotAsync(slot, ct))
            output.WriteLine($"  created replication slot {slot}: the server keeps WAL until the archive has it");
        var start = tools.Client("pg_receivewal", "--directory=" + WalFolder(into), "--slot=" + slot, "--synchronous");
        var process = PostgresTools.Start(start, line => output.WriteLine($"  pg_receivewal: {line}"), out _);
        output.WriteLine($"  continuous WAL archive: pg_receivewal (pid {process.Id}) into {WalFolder(into)}");
        return process;
    }

    /// <summary>Takes a base backup into <c>base/&lt;UTC time&gt;/</c> with a fast checkpoint; progress goes to the output.</summary>
    public async Task<string> TakeBaseAsync(string into, CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var settings = await new WalStore(dataSource).SettingsForCopiesAsync(ct);
        var folder = Path.Combine(BaseFolder(into), startedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        output.WriteLine($"  base backup into {folder} (pg_basebackup, tar + gzip, its WAL streamed beside it)");
        var start = tools.Client("pg_basebackup", "--pgdata=" + folder, "--format=tar", "--gzip", "--wal-method=stream",
            "--checkpoint=fast", "--progress", "--label=gridmap " + startedAt.ToString("O", CultureInfo.InvariantCulture));
        var lastDecile = -1;
        await PostgresTools.RunAsync(start, line =>
        {
            if (Percent().Match(line) is { Success: true } match && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / 10 is var decile && decile != lastDecile)
            {
                lastDecile = decile;
                output.WriteLine($"  base backup {decile * 10,3} %");
            }
        }, ct);
        var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
        var label = new Label(startedAt, DateTimeOffset.UtcNow, bytes, settings);
        await File.WriteAllTextAsync(Path.Combine(folder, LabelFile), JsonSerializer.Serialize(label), ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  base backup done: {bytes / 1048576.0:F0} MB in {(label.FinishedAt - label.StartedAt).TotalSeconds:F1} s"));
        return folder;
    }

    /// <summary>The base backups of a backup folder with their labels, oldest first.</summary>
    public static IReadOnlyList<(string Folder, Label Label)> Bases(string into)
    {
        if (!Directory.Exists(BaseFolder(into)))
            return [];
        return [.. Directory.EnumerateDirectories(BaseFolder(into))
            .Where(d => File.Exists(Path.Combine(d, LabelFile)))
            .Select(d => (d, JsonSerializer.Deserialize<Label>(File.ReadAllText(Path.Combine(d, LabelFile)))!))
            .OrderBy(b => b.Item2.FinishedAt)];
    }

    [GeneratedRegex(@"\((\d+)%\)")]
    private static partial Regex Percent();
}

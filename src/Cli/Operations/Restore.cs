using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Cli.Operations;

/// <summary>
/// Point-in-time restore from a <see cref="Backup"/> folder into a new data folder, by PostgreSQL's own archive
/// recovery: the last base backup finished before the target is unpacked, the archive's WAL is copied beside it (the
/// segment pg_receivewal was still writing under its final name), and <c>recovery.signal</c> with
/// <c>recovery_target_time</c> makes the server replay every transaction committed up to the target, then promote.
/// </summary>
internal static class Restore
{
    /// <summary>The base backup to start from: the last one finished before <paramref name="target"/>.</summary>
    public static (string Folder, Backup.Label Label) ChooseBase(IReadOnlyList<(string Folder, Backup.Label Label)> bases, DateTimeOffset target)
    {
        var usable = bases.Where(b => b.Label.FinishedAt < target).ToList();
        if (usable.Count > 0)
            return usable[^1];
        throw new InvalidOperationException(bases.Count == 0
            ? "The backup folder holds no finished base backup (base/*/backup.json): run gridmap backup first."
            : $"No base backup finished before {target:O}; the earliest finished at {bases[0].Label.FinishedAt:O}.");
    }

    /// <summary>The settings that make a copy replay the archive up to <paramref name="target"/> and then open for writes.</summary>
    public static string RecoverySettings(string walCopy, DateTimeOffset target, int port, IReadOnlyDictionary<string, string> serverSettings) =>
        string.Create(CultureInfo.InvariantCulture, $"""

            # gridmap restore: point-in-time recovery, written {DateTimeOffset.UtcNow:O}
            # the backed-up server's own settings (its command line; what replaying its WAL needs)
            {string.Join('\n', serverSettings.Where(s => s.Key is not ("port" or "listen_addresses" or "unix_socket_directories"))
                .Select(s => $"{s.Key} = '{s.Value.Replace("'", "''", StringComparison.Ordinal)}'"))}
            restore_command = 'cp "{walCopy}/%f" "%p"'
            recovery_target_time = '{target.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'
            recovery_target_inclusive = on
            recovery_target_action = 'promote'
            port = {port}
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''

            """);

    /// <summary>Builds the restored data folder; with <paramref name="start"/> also starts it and waits until it has promoted.</summary>
    public static async Task<TimeSpan> RunAsync(string from, DateTimeOffset target, string into, int port, bool start, string connectionString,
        TextWriter output, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        into = Path.GetFullPath(into);
        if (Directory.Exists(into) && Directory.EnumerateFileSystemEntries(into).Any())
            throw new InvalidOperationException($"{into} is not empty: restore into a new folder.");
        var (folder, label) = ChooseBase(Backup.Bases(from), target);
        output.WriteLine($"restoring to {target:O} from the base backup of {label.StartedAt:O} ({folder})");
        Directory.CreateDirectory(into);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(into, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ExtractAsync(Path.Combine(folder, "base.tar.gz"), into, ct);
        await ExtractAsync(Path.Combine(folder, "pg_wal.tar.gz"), Path.Combine(into, "pg_wal"), ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  base backup unpacked in {clock.Elapsed.TotalSeconds:F1} s"));

        var walCopy = into + ".wal";
        var copied = CopyArchive(Backup.WalFolder(from), walCopy);
        output.WriteLine($"  {copied} WAL segments of the archive copied to {walCopy}");
        await File.AppendAllTextAsync(Path.Combine(into, "postgresql.auto.conf"), RecoverySettings(walCopy, target, port, label.Settings), Encoding.UTF8, ct);
        await File.WriteAllTextAsync(Path.Combine(into, "recovery.signal"), "", ct);
        await PostgresTools.GiveToServerAsync(into, ct);
        await PostgresTools.GiveToServerAsync(walCopy, ct);
        if (!start)
        {
            output.WriteLine($"ready: start it with pg_ctl -D {into} -l {into}/server.log start (it listens on 127.0.0.1:{port}, replays to the target, then promotes)");
            return clock.Elapsed;
        }

        await PostgresTools.RunAsync(PostgresTools.Server("pg_ctl", "-D", into, "-l", Path.Combine(into, "server.log"), "-w", "-t", "3600", "start"), null, ct);
        await using var restored = GridMapDataSource.Create(ConnectionString(connectionString, port), "gridmap-restore");
        var wal = new WalStore(restored);
        while (await wal.InRecoveryAsync(ct))
            await Task.Delay(200, ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  replayed to the target and promoted: open for writes on 127.0.0.1:{port} after {clock.Elapsed.TotalSeconds:F1} s (log: {into}/server.log)"));
        return clock.Elapsed;
    }

    /// <summary>The restored cluster's connection string: the backed-up server's user and database on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string ConnectionString(string connectionString, int port) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = port, Pooling = false }.ConnectionString;

    /// <summary>Stops a restored cluster.</summary>
    public static Task StopAsync(string into, CancellationToken ct) =>
        PostgresTools.RunAsync(PostgresTools.Server("pg_ctl", "-D", into, "-m", "fast", "-w", "stop"), null, ct);

    private static async Task ExtractAsync(string archive, string into, CancellationToken ct)
    {
        Directory.CreateDirectory(into);
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, into, overwriteFiles: false, ct);
    }

    /// <summary>Copies WAL segments and timeline histories; a segment still being written (<c>.partial</c>) under its final name unless a finished copy exists.</summary>
    private static int CopyArchive(string archive, string copy)
    {
        Directory.CreateDirectory(copy);
        if (!Directory.Exists(archive))
            return 0;
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(archive).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var target = name.EndsWith(".partial", StringComparison.Ordinal) ? name[..^".partial".Length] : name;
            if (File.Exists(Path.Combine(copy, target)))
                continue;
            File.Copy(path, Path.Combine(copy, target));
            count++;
        }
        return count;
    }
}

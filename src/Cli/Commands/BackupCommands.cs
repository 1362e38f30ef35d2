using System.CommandLine;
using System.Globalization;
using GridMap.Cli.Operations;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap backup</c> and <c>gridmap restore</c>: base backups, the continuous WAL archive and point-in-time restore (see <see cref="Backup"/>).</summary>
internal static class BackupCommands
{
    public static Command Backup()
    {
        var db = CommonOptions.Database();
        var into = new Option<string>("--into") { Description = "The backup folder (base/ and wal/ inside).", Required = true };
        var baseOnly = new Option<bool>("--base-only") { Description = "Take a base backup and stop (for a schedule beside a running archive)." };
        var slot = new Option<string>("--slot") { Description = "The replication slot the archive streams from.", DefaultValueFactory = _ => Operations.Backup.DefaultSlot };
        var command = new Command("backup",
            "Point-in-time backups: starts the continuous WAL archive (pg_receivewal from a replication slot) into FOLDER/wal, "
            + "takes a base backup into FOLDER/base, then keeps archiving until stopped (Ctrl+C); --base-only takes the base backup alone.")
        {
            db, into, baseOnly, slot,
        };
        command.SetAction(async (result, ct) =>
        {
            var connectionString = CommonOptions.ConnectionString(result, db);
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-backup");
            var backup = new Operations.Backup(connectionString, dataSource, Console.Out);
            var folder = Path.GetFullPath(result.GetValue(into)!);
            if (result.GetValue(baseOnly))
            {
                await backup.TakeBaseAsync(folder, ct);
                return 0;
            }
            using var archive = await backup.StartArchiveAsync(folder, result.GetValue(slot)!, ct);
            try
            {
                await backup.TakeBaseAsync(folder, ct);
                Console.WriteLine("archiving WAL until stopped (Ctrl+C)");
                await archive.WaitForExitAsync(ct);
                Console.Error.WriteLine($"pg_receivewal exited with {archive.ExitCode}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("stopped; the archive holds the WAL received so far");
                return 0;
            }
            finally
            {
                if (!archive.HasExited)
                    archive.Kill();
            }
        });
        return command;
    }

    public static Command Restore()
    {
        var db = CommonOptions.Database();
        var from = new Option<string>("--from") { Description = "The backup folder gridmap backup writes.", Required = true };
        var to = new Option<string>("--to") { Description = "The time to restore to, ISO 8601 (without an offset: UTC).", Required = true };
        var into = new Option<string>("--into") { Description = "A new, empty data folder for the restored cluster.", Required = true };
        var port = new Option<int>("--port") { Description = "The port the restored cluster listens on.", DefaultValueFactory = _ => 55499 };
        var start = new Option<bool>("--start") { Description = "Start it, wait until it has replayed to the time and promoted." };
        var command = new Command("restore",
            "Point-in-time restore: the last base backup finished before --to, the archive's WAL replayed up to --to (PostgreSQL's recovery_target_time) into a new data folder.")
        {
            db, from, to, into, port, start,
        };
        command.SetAction(async (result, ct) =>
        {
            var target = DateTimeOffset.Parse(result.GetValue(to)!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            await Operations.Restore.RunAsync(Path.GetFullPath(result.GetValue(from)!), target, result.GetValue(into)!, result.GetValue(port),
                result.GetValue(start), CommonOptions.ConnectionString(result, db), Console.Out, ct);
            return 0;
        });
        return command;
    }
}

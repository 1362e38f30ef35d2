using GridMap.Cli.Operations;
using GridMap.Store.Database;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests.Operations;

/// <summary>
/// Backups and restores (issue 20, item 2) without the drill: the replication slot an archive streams from, the settings
/// a copy must start with, which base backup a restore starts from and what it tells the restored server. The drill
/// itself (archive, base backup, restore to a time under load) is <c>./bench.sh restore</c>.
/// </summary>
public sealed class BackupTests : IAsyncLifetime
{
    private OwnDatabase db = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabases.CreateAsync("backup", migrate: false);
        dataSource = NpgsqlDataSource.Create(db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task A_slot_is_created_once_reserves_WAL_and_is_dropped()
    {
        var wal = new WalStore(dataSource);
        var slot = $"gridmap_test_{Guid.NewGuid():N}"[..40];
        try
        {
            Assert.True(await wal.EnsureSlotAsync(slot, default));
            Assert.False(await wal.EnsureSlotAsync(slot, default));
            await using (var command = dataSource.CreateCommand("SELECT restart_lsn IS NOT NULL FROM pg_replication_slots WHERE slot_name = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
                Assert.True((bool)(await command.ExecuteScalarAsync())!);
            }
            Assert.Null(await wal.SlotFlushedLsnAsync(slot, default));
            Assert.True(await wal.CurrentLsnAsync(default) > 0);
            Assert.False(await wal.InRecoveryAsync(default));
        }
        finally
        {
            Assert.True(await wal.DropSlotAsync(slot, default));
        }
        Assert.False(await wal.DropSlotAsync(slot, default));
    }

    [Fact]
    public async Task A_copy_starts_with_the_servers_command_line_and_its_replay_limits()
    {
        var settings = await new WalStore(dataSource).SettingsForCopiesAsync(default);
        await using var command = dataSource.CreateCommand("SELECT current_setting('max_connections')");
        Assert.Equal((string)(await command.ExecuteScalarAsync())!, settings["max_connections"]);
        Assert.Contains("max_worker_processes", settings.Keys);
    }

    private static readonly DateTimeOffset Noon = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    private static (string, Backup.Label) Base(string name, DateTimeOffset finished) =>
        (name, new Backup.Label(finished.AddMinutes(-5), finished, 1, new Dictionary<string, string>()));

    [Fact]
    public void A_restore_starts_from_the_last_base_backup_finished_before_the_target()
    {
        var bases = new[] { Base("night", Noon.AddHours(-12)), Base("morning", Noon.AddHours(-2)), Base("afternoon", Noon.AddHours(3)) };
        Assert.Equal("morning", Restore.ChooseBase(bases, Noon).Folder);
        Assert.Equal("night", Restore.ChooseBase(bases, Noon.AddHours(-2)).Folder);
        var tooEarly = Assert.Throws<InvalidOperationException>(() => Restore.ChooseBase(bases, Noon.AddDays(-1)));
        Assert.Contains("earliest finished", tooEarly.Message);
        Assert.Contains("run gridmap backup first", Assert.Throws<InvalidOperationException>(() => Restore.ChooseBase([], Noon)).Message);
    }

    [Fact]
    public void The_restored_server_replays_to_the_target_in_UTC_and_keeps_the_backed_up_servers_settings()
    {
        var settings = new Dictionary<string, string> { ["max_connections"] = "200", ["port"] = "55432", ["shared_buffers"] = "256MB", ["listen_addresses"] = "*" };
        var target = new DateTimeOffset(2026, 12, 8, 9, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4560);
        var text = Restore.RecoverySettings("/backups/restored.wal", target, 55499, settings);
        Assert.Contains("recovery_target_time = '2026-12-08 01:30:15.123456+00'", text);
        Assert.Contains("restore_command = 'cp \"/backups/restored.wal/%f\" \"%p\"'", text);
        Assert.Contains("recovery_target_action = 'promote'", text);
        Assert.Contains("max_connections = '200'", text);
        Assert.Contains("shared_buffers = '256MB'", text);
        Assert.Contains("port = 55499", text);
        Assert.DoesNotContain("55432", text);
        Assert.DoesNotContain("'*'", text);
    }

    [Fact]
    public async Task A_restore_into_a_folder_that_is_not_empty_is_refused_and_leaves_it_alone()
    {
        var folder = Directory.CreateTempSubdirectory("gridmap-restore-test").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "PG_VERSION"), "15");
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                Restore.RunAsync(folder, Noon, folder, 55499, start: false, db.ConnectionString, TextWriter.Null, default));
            Assert.Contains("not empty", refused.Message);
            Assert.Equal(["PG_VERSION"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

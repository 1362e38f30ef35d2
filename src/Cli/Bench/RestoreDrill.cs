using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GridMap.Cli.Operations;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// The point-in-time restore drill (issue 20, item 2): reports flow into a running GeoApi through Open311 from several
/// clients while the continuous archive runs and a base backup is taken; at a moment T (this machine's clock, which the
/// server shares) the clients keep writing; then the archive is restored to T into a new cluster and each report is
/// looked up there by its idempotency key. Every report acknowledged before T must be there under its tracking number,
/// and none sent after T may be. A report sent before T and acknowledged after it was in flight at T: its commit may
/// fall either side, so it is counted apart.
/// </summary>
internal sealed class RestoreDrill(NpgsqlDataSource dataSource, string connectionString, TextWriter output)
{
    private const string Slot = "gridmap_drill";

    private sealed record Report(DateTimeOffset Sent, DateTimeOffset? Acknowledged, string? TrackingNo);

    public async Task<int> RunAsync(string geoApi, string work, int clients, int secondsBefore, int secondsAfter, int port, CancellationToken ct)
    {
        var intake = new IntakeBenchmark(dataSource, connectionString, TextWriter.Null);
        await intake.PrepareAsync(ct);
        var archiveFolder = Path.Combine(work, "backup");
        var restoredFolder = Path.Combine(work, "restored");
        var backup = new Backup(connectionString, dataSource, output);
        var wal = new WalStore(dataSource);
        output.WriteLine($"restore drill: {clients} clients report through Open311 into {geoApi}; the archive, a base backup, T, more reports, a restore to T");
        using var archive = await backup.StartArchiveAsync(archiveFolder, Slot, ct);
        var started = false;
        try
        {
            using var http = IntakeBenchmark.NewClient(geoApi, clients);
            var run = IntakeBenchmark.NewRunId();
            var reports = new ConcurrentDictionary<int, Report>();
            using var stop = new CancellationTokenSource();
            var next = -1;
            var writers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    var sent = DateTimeOffset.UtcNow;
                    var (trackingNo, _) = await intake.TrySendAsync(http, run, i, ct);
                    reports[i] = new Report(sent, trackingNo is null ? null : DateTimeOffset.UtcNow, trackingNo);
                }
            }, ct)).ToList();

            await backup.TakeBaseAsync(archiveFolder, ct);
            await Task.Delay(TimeSpan.FromSeconds(secondsBefore), ct);
            var target = DateTimeOffset.UtcNow;
            var acknowledgedAtTarget = reports.Values.Count(r => r.Acknowledged is not null);
            output.WriteLine($"  T = {target:O}, {acknowledgedAtTarget} reports acknowledged so far; writing on for {secondsAfter} s");
            await Task.Delay(TimeSpan.FromSeconds(secondsAfter), ct);
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            // The archive must hold every commit made so far before it is restored (it is synchronous, but one round behind).
            var end = await wal.CurrentLsnAsync(ct);
            var waited = Stopwatch.StartNew();
            while ((await wal.SlotFlushedLsnAsync(Slot, ct) ?? 0) < end)
            {
                if (waited.Elapsed > TimeSpan.FromMinutes(1))
                    throw new InvalidOperationException("The WAL archive did not catch up with the server within a minute.");
                await Task.Delay(100, ct);
            }

            started = true;
            var took = await Restore.RunAsync(archiveFolder, target, restoredFolder, port, start: true, connectionString, output, ct);
            await using var restored = GridMapDataSource.Create(Restore.ConnectionString(connectionString, port), "gridmap-restore-drill");
            var stored = await intake.StoredAsync(run, ct, restored);

            var before = reports.Where(r => r.Value.Acknowledged < target).ToList();
            var after = reports.Where(r => r.Value.Sent > target).ToList();
            var inFlight = reports.Where(r => r.Value.Sent <= target && !(r.Value.Acknowledged < target)).ToList();
            var lost = before.Count(r => !stored.TryGetValue(r.Key, out var no) || no != r.Value.TrackingNo);
            var leaked = after.Count(r => stored.ContainsKey(r.Key));
            var failed = reports.Count(r => r.Value.Acknowledged is null);
            output.WriteLine($"restore drill: {reports.Count} reports sent ({failed} not acknowledged), restored to T in {took.TotalSeconds:F1} s");
            output.WriteLine($"  acknowledged before T: {before.Count}, in the restored cluster: {before.Count - lost}, missing or under another tracking number: {lost}");
            output.WriteLine($"  sent after T: {after.Count}, in the restored cluster: {leaked}");
            output.WriteLine($"  in flight at T (sent before, acknowledged after): {inFlight.Count}, of them restored: {inFlight.Count(r => stored.ContainsKey(r.Key))}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  archive: {Directory.EnumerateFiles(Backup.WalFolder(archiveFolder)).Sum(f => new FileInfo(f).Length) / 1048576.0:F0} MB of WAL segments"));
            var proven = before.Count > 0 && after.Count > 0 && lost == 0 && leaked == 0;
            output.WriteLine(proven ? "  every report acknowledged before T restored, none sent after T: PROVEN" : "  FAILED: see the figures above");
            return proven ? 0 : 1;
        }
        finally
        {
            if (!archive.HasExited)
                archive.Kill();
            await archive.WaitForExitAsync(CancellationToken.None);
            if (started && File.Exists(Path.Combine(restoredFolder, "postmaster.pid")))
                await Restore.StopAsync(restoredFolder, CancellationToken.None);
            // The walsender may take a moment to notice the archive is gone; an active slot cannot be dropped.
            for (var i = 0; i < 50 && !await wal.DropSlotAsync(Slot, CancellationToken.None); i++)
                await Task.Delay(100, CancellationToken.None);
        }
    }
}

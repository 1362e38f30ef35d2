using GridMap.Store.Imports;

namespace GridMap.GeoApi.Imports;

/// <summary>How an upload started: finished (report), refused (reason) or still running (import id).</summary>
public sealed record StartedImport(long ImportId, ImportReport? Report, string? Rejected);

/// <summary>
/// Runs uploaded imports in the background: the upload is spooled to a temporary file (so the request can end),
/// the import runs from it, and its progress is written to the database by the importer. Imports still running at
/// shutdown are cancelled, which rolls them back and marks them failed.
/// </summary>
public sealed class ImportJobs(DepartmentImporter importer, ILogger<ImportJobs> logger, IHostApplicationLifetime lifetime)
{
    /// <summary>How long an upload waits for its import before answering 202 with the import's URL.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(2);

    public async Task<StartedImport> StartAsync(string department, Stream body, string fileName, string actor, CancellationToken ct)
    {
        var spool = Path.Combine(Path.GetTempPath(), $"gridmap-import-{Guid.NewGuid():N}.csv");
        await using (var file = File.Create(spool))
            await body.CopyToAsync(file, ct);

        var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(async () =>
        {
            try
            {
                await using var input = File.OpenRead(spool);
                return await importer.ImportAsync(department, input, fileName, actor, new SynchronousProgress(p => started.TrySetResult(p.ImportId)),
                    lifetime.ApplicationStopping);
            }
            finally
            {
                File.Delete(spool);
            }
        }, CancellationToken.None);

        await Task.WhenAny(run, Task.Delay(AnswerWithin, ct));
        if (!run.IsCompleted)
            await Task.WhenAny(run, started.Task);
        if (!run.IsCompleted)
        {
            var id = started.Task.Result;
            _ = run.ContinueWith(t => logger.LogError(t.Exception, "Import {Id} failed", id), TaskContinuationOptions.OnlyOnFaulted);
            return new StartedImport(id, null, null);
        }
        if (run.IsFaulted && run.Exception!.InnerException is ImportRejectedException rejected)
            return new StartedImport(0, null, rejected.Message);
        var report = await run;
        return new StartedImport(report.ImportId, report, null);
    }

    /// <summary>Reports on the importer's thread, so the id is known as soon as the import row exists.</summary>
    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GridMap.Domain.Crosswalk;
using GridMap.Domain.People;
using GridMap.Store.Audit;
using GridMap.Store.Database;
using GridMap.Store.Divisions;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Imports;

/// <summary>
/// Merges a department's list onto people by ID number (DOMAIN.md §4). The file is streamed: each row is checked
/// and copied (binary COPY) into a staging table, then set-based statements merge it. The merge, the issue
/// report, the audit entry and the final counts commit in one transaction; a failed or cancelled import changes no
/// person or special group. Progress is written on a second, autocommit connection so others can watch it.
/// </summary>
public sealed class DepartmentImporter(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
{
    private const int ReportEveryRows = 1_000;
    private static readonly TimeSpan StoreProgressEvery = TimeSpan.FromSeconds(1);
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);
    private static readonly JsonSerializerOptions DetailJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private const string CopyStaged =
        "COPY import_row (line, id_number, id_masked, name, group_code, risk_level, registered_on, note, register_type, invalid_reason, village_code, address) FROM STDIN (FORMAT BINARY)";

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    /// <summary>How many issues (in file order) the report carries; all are stored.</summary>
    public int IssuesInReport { get; init; } = 20;

    /// <summary>
    /// Imports <paramref name="csv"/> for <paramref name="department"/>. Throws <see cref="ImportRejectedException"/>
    /// for an unknown department or a file that cannot be read as a list (nothing is merged).
    /// </summary>
    public async Task<ImportReport> ImportAsync(string department, Stream csv, string fileName, string actor,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (!Departments.All.Contains(department))
            throw new ImportRejectedException($"Unknown department \"{department}\"; one of {string.Join(", ", Departments.All)}.");
        var clock = Stopwatch.StartNew();
        var today = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        var estimatedRows = await EstimateRowsAsync(csv, ct);

        using var hashing = new HashingReadStream(csv);
        using var text = new StreamReader(hashing, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        await using var records = new CsvRecordReader(text);
        var fields = new List<string>(8);
        if (!await records.ReadAsync(fields, ct))
            throw new ImportRejectedException("The file is empty; a list starts with a header row naming its columns.");
        await using var progressConnection = await dataSource.OpenConnectionAsync(ct);
        var villageCodes = DepartmentRowValidator.HasVillageColumn(fields)
            ? await DivisionCodeStore.KnownVillageCodesAsync(progressConnection, ct)
            : new HashSet<string>();
        var validator = DepartmentRowValidator.FromHeader(fields, department, today, villageCodes);

        var importId = await StartAsync(progressConnection, department, fileName, actor, estimatedRows, ct);
        var run = new Run(importId, department, actor, progressConnection, progress, estimatedRows);
        Counts counts;
        try
        {
            counts = await MergeAsync(run, records, fields, validator, hashing, ct);
        }
        catch (Exception e)
        {
            await MarkFailedAsync(progressConnection, importId, e);
            throw;
        }
        var issues = await ListIssuesAsync(importId, afterLine: 0, IssuesInReport, CancellationToken.None);
        return new ImportReport(importId, counts.Total, counts.Inserted, counts.Updated, counts.Unchanged, counts.Unmatched,
            counts.Conflicting, counts.Invalid, clock.Elapsed.TotalSeconds, issues)
        {
            PlaceChecked = counts.PlaceChecked,
            PlacedElsewhere = counts.PlacedElsewhere,
        };
    }

    /// <summary>An import's status and counts (for polling while it runs), or null.</summary>
    public async Task<ImportStatus?> GetAsync(long importId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Imports/GetImport.sql"));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = importId });
        await using var r = await command.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
            return null;
        return new ImportStatus(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetInt32(10), r.GetInt32(11), r.GetInt32(12), r.GetInt32(13),
            r.IsDBNull(14) ? null : r.GetString(14), r.GetFieldValue<DateTimeOffset>(15),
            r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16))
        {
            PlaceChecked = r.GetInt32(17),
            PlacedElsewhere = r.GetInt32(18),
        };
    }

    /// <summary>One page of an import's issues in file order, after <paramref name="afterLine"/>.</summary>
    public async Task<IReadOnlyList<ImportIssue>> ListIssuesAsync(long importId, int afterLine, int limit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Imports/ListIssues.sql"));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = importId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = afterLine });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var r = await command.ExecuteReaderAsync(ct);
        var issues = new List<ImportIssue>();
        while (await r.ReadAsync(ct))
            issues.Add(new ImportIssue(r.GetInt32(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)));
        return issues;
    }

    private async Task<Counts> MergeAsync(Run run, CsvRecordReader records, List<string> fields, DepartmentRowValidator validator,
        HashingReadStream hashing, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // A million-row list sorts and hashes in memory rather than in temporary files; for this transaction only.
        await ExecuteAsync(connection, "SET LOCAL work_mem = '128MB'", ct);
        await ExecuteAsync(connection, SqlResource.Get("Imports/StageRows.sql"), ct);
        var (total, invalid) = await StageAsync(connection, run, records, fields, validator, ct);
        await run.StoreProgressAsync(total, total, ct);
        run.Report(ImportStage.Reading, total, total);
        run.Report(ImportStage.Merging, total, total);

        // Planner statistics for the staging table (autovacuum never sees temporary tables).
        await ExecuteAsync(connection, "ANALYZE import_row", ct);
        // Lists of one department merge one at a time; their groups are the department's own, so others run alongside.
        await using (var lockDepartment = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('dept_import:' || $1))", connection) { CommandTimeout = 0 })
        {
            lockDepartment.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Department });
            await lockDepartment.ExecuteNonQueryAsync(ct);
        }
        var counts = await RunMergeAsync(connection, run, total, ct);
        if (counts.Invalid != invalid)
            throw new InvalidOperationException($"Staged {invalid} invalid rows but the merge counted {counts.Invalid}.");
        run.Report(ImportStage.Finishing, total, total);

        var sha256 = hashing.Sha256Hex();
        var detail = JsonSerializer.Serialize(new
        {
            run.Department,
            FileSha256 = sha256,
            counts.Total,
            counts.Inserted,
            counts.Updated,
            counts.Unchanged,
            counts.Unmatched,
            counts.Conflicting,
            counts.Invalid,
        }, DetailJson);
        await AuditLog.AppendAsync(connection, transaction, run.Actor, "import", $"dept_import:{run.ImportId}", "department list merge", detail, ct);
        await using (var finish = new NpgsqlCommand(SqlResource.Get("Imports/FinishImport.sql"), connection))
        {
            finish.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.ImportId });
            finish.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sha256 });
            foreach (var value in new[] { counts.Total, counts.Inserted, counts.Updated, counts.Unchanged, counts.Unmatched, counts.Conflicting, counts.Invalid,
                         counts.PlaceChecked, counts.PlacedElsewhere })
                finish.Parameters.Add(new NpgsqlParameter<int> { TypedValue = value });
            await finish.ExecuteNonQueryAsync(ct);
        }
        ct.ThrowIfCancellationRequested();
        // Once everything is in, the commit is not interrupted: a half-known outcome is worse than a late cancel.
        await transaction.CommitAsync(CancellationToken.None);
        return counts;
    }

    /// <summary>Reads, checks and copies every row into import_row; returns the rows read and how many were invalid.</summary>
    private static async Task<(int Total, int Invalid)> StageAsync(NpgsqlConnection connection, Run run, CsvRecordReader records,
        List<string> fields, DepartmentRowValidator validator, CancellationToken ct)
    {
        var total = 0;
        var invalid = 0;
        await using var copy = await connection.BeginBinaryImportAsync(CopyStaged, ct);
        while (await records.ReadAsync(fields, ct))
        {
            ct.ThrowIfCancellationRequested();
            if (fields.TrueForAll(f => f.Length == 0))
                continue; // blank lines, and the ",,,,," rows spreadsheets leave at the end
            var row = validator.Check(fields, records.RecordLine);
            total++;
            if (row.InvalidReason is not null)
                invalid++;
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(row.Line, NpgsqlDbType.Integer, ct);
            await WriteAsync(copy, row.IdNumber, NpgsqlDbType.Char, ct);
            await WriteAsync(copy, row.IdMasked, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, row.Name, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, row.GroupCode, NpgsqlDbType.Text, ct);
            if (row.RiskLevel is { } risk)
                await copy.WriteAsync(risk, NpgsqlDbType.Smallint, ct);
            else
                await copy.WriteNullAsync(ct);
            if (row.RegisteredOn is { } registeredOn)
                await copy.WriteAsync(registeredOn, NpgsqlDbType.Date, ct);
            else
                await copy.WriteNullAsync(ct);
            await WriteAsync(copy, row.Note, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, row.RegisterType, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, row.InvalidReason, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, row.VillageCode, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, row.Address, NpgsqlDbType.Text, ct);
            if (total % ReportEveryRows == 0)
            {
                run.Report(ImportStage.Reading, total, Math.Max(run.EstimatedRows, total));
                if (run.ProgressStoreDue)
                    await run.StoreProgressAsync(total, Math.Max(run.EstimatedRows, total), ct);
            }
        }
        await copy.CompleteAsync(ct);
        return (total, invalid);
    }

    /// <summary>The merge, set-based, statement by statement over the staged rows (see the .sql files for each step).</summary>
    private static async Task<Counts> RunMergeAsync(NpgsqlConnection connection, Run run, int total, CancellationToken ct)
    {
        await ExecuteAsync(connection, SqlResource.Get("Imports/Classify.sql"), ct);
        await ExecuteAsync(connection, "ANALYZE import_match", ct);
        await ExecuteAsync(connection, SqlResource.Get("Imports/RecordIssues.sql"), ct, new NpgsqlParameter<long> { TypedValue = run.ImportId });
        var (placeChecked, placedElsewhere) = await CheckPlacesAsync(connection, run.ImportId, ct);

        var groups = Departments.GroupsOf(run.Department).ToList();
        NpgsqlParameter[] GroupParameters() =>
        [
            new NpgsqlParameter<string> { TypedValue = run.Department, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter<string[]> { TypedValue = [.. groups.Select(g => g.Code)] },
            new NpgsqlParameter<short[]> { TypedValue = [.. groups.Select(g => (short)g.VisitCadenceDays)] },
        ];
        var updated = await ExecuteAsync(connection, SqlResource.Get("Imports/UpdateGroups.sql"), ct, GroupParameters());
        var inserted = await ExecuteAsync(connection, SqlResource.Get("Imports/InsertGroups.sql"), ct, GroupParameters());
        var registerTypes = await ExecuteAsync(connection, SqlResource.Get("Imports/MergeRegisterTypes.sql"), ct);
        var deathReports = 0;
        if (run.Department == Departments.Health)
        {
            await using var reports = new NpgsqlCommand(SqlResource.Get("Imports/MergeDeathReports.sql"), connection) { CommandTimeout = 0 };
            reports.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Department, NpgsqlDbType = NpgsqlDbType.Text });
            reports.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.ImportId });
            await using var reader = await reports.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            deathReports = reader.GetInt32(0);
        }
        var (invalid, unmatched, conflicting, merged) = await ReadCountsAsync(connection, ct);
        updated += registerTypes + deathReports;
        return new Counts(total, inserted, updated, merged - inserted - updated, unmatched, conflicting, invalid)
        {
            PlaceChecked = placeChecked,
            PlacedElsewhere = placedElsewhere,
        };
    }

    /// <summary>
    /// Merged rows carrying a village code: placed by <see cref="VillagePlacement"/> (the register's village stands in
    /// for a point); a row placed elsewhere, or that cannot be placed, is merged all the same and reported as a
    /// <c>place</c> issue for the clerk to check. Returns the rows checked and the rows reported.
    /// </summary>
    private static async Task<(int Checked, int Reported)> CheckPlacesAsync(NpgsqlConnection connection, long importId, CancellationToken ct)
    {
        var lines = new List<int>();
        var masks = new List<string?>();
        var reasons = new List<string>();
        var checkedRows = 0;
        await using (var command = new NpgsqlCommand(SqlResource.Get("Imports/Places.sql"), connection) { CommandTimeout = 0 })
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                checkedRows++;
                var code = r.GetString(2);
                var address = r.IsDBNull(3) ? null : r.GetString(3);
                var registerVillage = r.IsDBNull(4) ? null : r.GetString(4);
                var codes = r.GetFieldValue<string[]>(5);
                var names = r.GetFieldValue<string[]>(6);
                var candidates = codes.Zip(names, (c, n) => new VillageCandidate(c, n)).ToList();
                var place = VillagePlacement.Place(candidates, address, registerVillage);
                if (place is not null && place.Village.Code == registerVillage)
                    continue;
                var register = registerVillage is null ? "the register has no home for this person" : $"the register has them in village {registerVillage}";
                var reason = place is null
                    ? $"The village code {code} covers {candidates.Count} GridMap villages ({VillagePlacement.Describe(candidates)}); " +
                      $"{(address is null ? "no address" : "the address")} names none of them and {register}. Merged; check where they live."
                    : $"The village code {code}{(place.By == PlacedBy.Address ? " and the address place" : " places")} this person in {place.Village.Code} {place.Village.Name}; " +
                      $"{register}. Merged; check where they live.";
                lines.Add(r.GetInt32(0));
                masks.Add(r.IsDBNull(1) ? null : r.GetString(1));
                reasons.Add(reason);
            }
        }
        if (lines.Count > 0)
        {
            await using var insert = new NpgsqlCommand(SqlResource.Get("Imports/RecordPlaceIssues.sql"), connection);
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = importId });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. lines] });
            insert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. masks] });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. reasons] });
            await insert.ExecuteNonQueryAsync(ct);
        }
        return (checkedRows, lines.Count);
    }

    private static async Task<(int Invalid, int Unmatched, int Conflicting, int Merged)> ReadCountsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Imports/CountOutcomes.sql"), connection) { CommandTimeout = 0 };
        await using var r = await command.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3));
    }

    private static async Task<long> StartAsync(NpgsqlConnection connection, string department, string fileName, string actor, int estimatedRows, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Imports/StartImport.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = department });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fileName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = estimatedRows });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task MarkFailedAsync(NpgsqlConnection connection, long importId, Exception error)
    {
        var message = error switch
        {
            OperationCanceledException => "cancelled",
            PostgresException pg => pg.MessageText,
            _ => error.Message,
        };
        try
        {
            await using var command = new NpgsqlCommand(SqlResource.Get("Imports/FailImport.sql"), connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = importId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The database is gone too: the import's own error is the one to surface; the row stays 'running'.
        }
    }

    /// <summary>Data rows of a seekable file, from its line breaks (for the progress bar); 0 when it cannot be known up front.</summary>
    private static async Task<int> EstimateRowsAsync(Stream csv, CancellationToken ct)
    {
        if (!csv.CanSeek)
            return 0;
        var start = csv.Position;
        var buffer = new byte[1 << 16];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = await csv.ReadAsync(buffer, ct)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        if (last != '\n')
            lines++;
        csv.Position = start;
        return (int)Math.Clamp(lines - 1, 0, int.MaxValue);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
            await copy.WriteNullAsync(ct);
        else
            await copy.WriteAsync(value, type, ct);
    }

    /// <summary>Runs one statement without a time limit (a million-row step may take a while; cancel with ct); returns the rows affected.</summary>
    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record Counts(int Total, int Inserted, int Updated, int Unchanged, int Unmatched, int Conflicting, int Invalid)
    {
        public int PlaceChecked { get; init; }

        public int PlacedElsewhere { get; init; }
    }

    /// <summary>One running import: where its progress goes.</summary>
    private sealed class Run(long importId, string department, string actor, NpgsqlConnection progressConnection,
        IProgress<ImportProgress>? progress, int estimatedRows)
    {
        private readonly Stopwatch sinceStored = Stopwatch.StartNew();

        public long ImportId => importId;
        public string Department => department;
        public string Actor => actor;
        public int EstimatedRows => estimatedRows;
        public bool ProgressStoreDue => sinceStored.Elapsed >= StoreProgressEvery;

        public void Report(ImportStage stage, int done, int total) => progress?.Report(new ImportProgress(importId, stage, done, total));

        /// <summary>On the autocommit connection: visible to pollers at once, and kept if the import rolls back.</summary>
        public async Task StoreProgressAsync(int processed, int total, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand(SqlResource.Get("Imports/ReportProgress.sql"), progressConnection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = importId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = processed });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = total });
            await command.ExecuteNonQueryAsync(ct);
            sinceStored.Restart();
        }
    }
}

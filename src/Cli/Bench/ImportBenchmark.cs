using System.Globalization;
using System.Text;
using GridMap.Synthetic.Imports;
using GridMap.Cli.Commands;
using GridMap.Domain.People;
using GridMap.Store.Imports;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// Times a department import of a synthetic list against the database's own people (yardstick: 1,000,000 rows in
/// under 60 s on 2 cores), then imports the same file again and checks that the second run changed no row.
/// The merged records stay in the database, like any import.
/// </summary>
internal sealed class ImportBenchmark(NpgsqlDataSource dataSource, TextWriter output)
{
    private const double YardstickSeconds = 60;

    public async Task<int> RunAsync(int rows, string department, CancellationToken ct)
    {
        Say($"GridMap department import benchmark · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {department}");
        var people = await SyntheticDepartmentFile.LoadPeopleAsync(dataSource, rows, ct);
        Say(people.Count == 0
            ? "the register is empty: every valid row will be unmatched"
            : $"{people.Count:N0} people of the register available to the list");

        var path = Path.Combine(Path.GetTempPath(), $"gridmap-bench-{department}-{rows}-{Environment.ProcessId}.csv");
        try
        {
            SyntheticListCounts expected;
            await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
                expected = await new SyntheticDepartmentFile(department, people).WriteAsync(writer, rows, ct);
            Say($"wrote {path}: {new FileInfo(path).Length / 1048576.0:F1} MB, {expected.Rows:N0} rows = {expected.Matching:N0} matching, " +
                $"{expected.Conflicting:N0} conflicting names, {expected.Unknown:N0} unknown ID numbers, {expected.Invalid:N0} invalid");

            var importer = new DepartmentImporter(dataSource) { IssuesInReport = 0 };
            var first = await ImportAsync(importer, department, path, ct);
            Say("first run:  " + ImportCommands.Summary(first));
            Say(string.Create(CultureInfo.InvariantCulture,
                $"            {first.Total:N0} rows in {first.Seconds:F1} s = {first.Total / first.Seconds:N0} rows/s  (yardstick 1,000,000 in <{YardstickSeconds:F0} s: " +
                $"{(first.Seconds * 1_000_000 / Math.Max(1, first.Total) < YardstickSeconds ? "met" : "MISSED")})"));
            var outcomesMatch = first.Inserted + first.Updated + first.Unchanged == expected.Matching
                && first.Conflicting == expected.Conflicting && first.Unmatched == expected.Unknown && first.Invalid == expected.Invalid;
            Say($"            outcomes {(outcomesMatch ? "as written" : "DIFFER from the file's composition")}");

            var before = await FingerprintAsync(department, ct);
            var second = await ImportAsync(importer, department, path, ct);
            var after = await FingerprintAsync(department, ct);
            Say("second run: " + ImportCommands.Summary(second));
            var nothingChanged = second.Changed == 0 && before == after;
            Say(nothingChanged
                ? $"            nothing changed: 0 inserted, 0 updated, every merged row unchanged, every row version the same ({second.Seconds:F1} s)"
                : "            CHANGED rows on the second run of the same file");
            return nothingChanged && outcomesMatch ? 0 : 1;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<ImportReport> ImportAsync(DepartmentImporter importer, string department, string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await importer.ImportAsync(department, stream, Path.GetFileName(path), "bench", new ImportCommands.ImportProgressBar(), ct);
    }

    /// <summary>
    /// A hash over the department's special groups, and for public security every person's register type, with each
    /// row's version (xmin): an update that rewrote a row with the same values would change it too.
    /// </summary>
    private async Task<string> FingerprintAsync(string department, CancellationToken ct)
    {
        var sql = """
            SELECT md5(string_agg(concat_ws('|', id, person_id, group_code, department, risk_level, registered_on, visit_cadence_days,
                                            next_visit_due, source, note, xmin), E'\n' ORDER BY id))
            FROM special_group WHERE department = $1
            """;
        if (department == Departments.PublicSecurity)
            sql += " UNION ALL SELECT md5(string_agg(concat_ws('|', id, register_type, xmin), E'\\n' ORDER BY id)) FROM person";
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = department });
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            parts.Add(reader.IsDBNull(0) ? "-" : reader.GetString(0));
        return string.Join(',', parts);
    }

    private void Say(string line) => output.WriteLine(line);
}

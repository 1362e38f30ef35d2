using System.CommandLine;
using System.Text;
using GridMap.Domain.People;
using GridMap.Store.Database;
using GridMap.Store.Imports;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap import dept</c>: merge a department's list onto people by ID number.</summary>
internal static class ImportCommands
{
    public const int Rejected = 2;

    public static Command Build()
    {
        var db = CommonOptions.Database();
        var department = new Option<string>("--department")
        {
            Description = $"The department that sent the list: {string.Join(", ", Departments.All)}.",
            Required = true,
        };
        var actor = new Option<string>("--actor")
        {
            Description = "Who imports, as recorded in the audit log.",
            DefaultValueFactory = _ => $"cli:{Environment.UserName}",
        };
        var report = new Option<FileInfo?>("--report") { Description = "Also write every issue (line, kind, masked ID number, reason) to this CSV file." };
        var file = new Argument<FileInfo>("FILE") { Description = "The list: CSV in UTF-8 with a header row (id_number,name,group,risk_level,registered_on,note)." };
        var dept = new Command("dept", "Merge a department's list onto people by ID number, in one transaction, and report what did not match.")
        {
            department, file, db, actor, report,
        };
        dept.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-import");
            var importer = new DepartmentImporter(dataSource);
            var path = result.GetValue(file)!;
            ImportReport outcome;
            try
            {
                await using var stream = path.OpenRead();
                outcome = await importer.ImportAsync(result.GetValue(department)!, stream, path.Name, result.GetValue(actor)!,
                    new ImportProgressBar(), ct);
            }
            catch (ImportRejectedException e)
            {
                Console.Error.WriteLine($"gridmap: {path.Name} rejected: {e.Message}");
                return Rejected;
            }
            Console.WriteLine(Summary(outcome));
            foreach (var issue in outcome.Issues)
                Console.WriteLine($"  line {issue.Line,7}  {issue.Kind,-11}  {issue.IdMasked ?? "-",-18}  {issue.Reason}");
            var issueCount = outcome.Unmatched + outcome.Conflicting + outcome.Invalid;
            if (issueCount > outcome.Issues.Count)
                Console.WriteLine($"  … {issueCount - outcome.Issues.Count:N0} more issue(s){(result.GetValue(report) is null ? "; --report FILE writes them all" : "")}");
            if (result.GetValue(report) is { } reportFile)
            {
                await WriteIssuesAsync(importer, outcome.ImportId, reportFile, ct);
                Console.WriteLine($"issues written to {reportFile.FullName}");
            }
            return 0;
        });
        return new Command("import", "Import department data.") { dept };
    }

    public static string Summary(ImportReport r) =>
        $"import {r.ImportId}: {r.Total:N0} rows in {r.Seconds:F1} s ({(r.Seconds > 0 ? r.Total / r.Seconds : 0):N0} rows/s): " +
        $"{r.Inserted:N0} inserted, {r.Updated:N0} updated, {r.Unchanged:N0} unchanged, " +
        $"{r.Unmatched:N0} unmatched, {r.Conflicting:N0} conflicting, {r.Invalid:N0} invalid" +
        (r.PlaceChecked > 0 ? $"; {r.PlaceChecked:N0} placed by village code, {r.PlacedElsewhere:N0} of them elsewhere than the register (place issues)" : "");

    /// <summary>All issues, page by page, as CSV with a BOM so a spreadsheet opens the Chinese text correctly.</summary>
    private static async Task WriteIssuesAsync(DepartmentImporter importer, long importId, FileInfo file, CancellationToken ct)
    {
        await using var writer = new StreamWriter(file.FullName, false, new UTF8Encoding(true)) { NewLine = "\r\n" };
        await writer.WriteLineAsync("line,kind,id_masked,reason");
        var after = 0;
        while (true)
        {
            var page = await importer.ListIssuesAsync(importId, after, 10_000, ct);
            foreach (var issue in page)
                await writer.WriteLineAsync($"{issue.Line},{issue.Kind},{DepartmentListFormat.Quote(issue.IdMasked ?? "")},{DepartmentListFormat.Quote(issue.Reason)}");
            if (page.Count == 0)
                break;
            after = page[^1].Line;
        }
    }

    /// <summary>Shows import progress on the shared progress bar, synchronously (Progress&lt;T&gt; would post it late).</summary>
    internal sealed class ImportProgressBar : IProgress<ImportProgress>
    {
        private readonly ProgressPrinter printer = new();

        public void Report(ImportProgress value) =>
            printer.Report((value.Stage.ToString().ToLowerInvariant(), value.Done, value.Total));
    }
}

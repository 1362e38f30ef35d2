using System.Diagnostics;
using System.Text;
using GridMap.Synthetic.Imports;
using GridMap.Domain.People;
using GridMap.Domain.Privacy;
using GridMap.Store.Audit;
using GridMap.Store.Database;
using GridMap.Synthetic.Generation;
using GridMap.Store.Imports;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests;

/// <summary>
/// Department lists merged onto people by ID number: what is merged, what is reported and why, and that a file is
/// either merged whole (with its report and audit entry) or not at all.
/// </summary>
public class DepartmentImportTests
{
    private const string Header = "id_number,name,group,risk_level,registered_on,note";
    private static readonly string Zhang = Id(1980, 1, 1, 11);
    private static readonly string Li = Id(1975, 6, 30, 22);
    private static readonly string Wang = Id(1990, 12, 31, 33);
    private static readonly string Nobody = Id(1966, 3, 3, 44);

    [Fact]
    public async Task A_list_inserts_new_special_groups_and_updates_changed_ones()
    {
        await using var db = await TestDatabases.CreateAsync("importmerge");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var zhang = await AddPersonAsync(dataSource, Zhang, "张伟");
        var li = await AddPersonAsync(dataSource, Li, "李娜");
        await ExecuteAsync(dataSource,
            "INSERT INTO special_group (person_id, group_code, department, risk_level, registered_on, visit_cadence_days, next_visit_due, source) " +
            $"VALUES ({li}, 'low_income', 'civil-affairs', 1, '2020-01-01', 60, '2024-12-01', 'manual')");

        var report = await ImportAsync(dataSource, "civil-affairs", $"""
            {Header}
            {Zhang},张伟,low_income,2,2024-05-10,按月发放
            {Li},李娜,low_income,3,2024/3/1,
            """);

        Assert.Equal((2, 1, 1, 0), (report.Total, report.Inserted, report.Updated, report.Unchanged));
        Assert.Equal("civil-affairs|2|2024-05-10|90|2024-08-08|dept:civil-affairs|按月发放",
            await ScalarAsync<string>(dataSource, $"SELECT {GroupValues} FROM special_group WHERE person_id = {zhang}"));
        // The update takes the list's values and the group's cadence but keeps the scheduled visit.
        Assert.Equal("civil-affairs|3|2024-03-01|90|2024-12-01|dept:civil-affairs|",
            await ScalarAsync<string>(dataSource, $"SELECT {GroupValues} FROM special_group WHERE person_id = {li}"));
        Assert.Equal("done|2|2|1|1|0|0|0|0", await ScalarAsync<string>(dataSource,
            $"SELECT concat_ws('|', status, total_rows, processed_rows, inserted, updated, unchanged, unmatched, conflicting, invalid) FROM dept_import WHERE id = {report.ImportId}"));
    }

    [Fact]
    public async Task A_list_written_with_2023_village_codes_imports_onto_the_2016_register()
    {
        await using var db = await TestDatabases.CreateAsync("import2023", withProvince: true);
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        // ID numbers of another region, so none can be a synthetic 长子县 resident's.
        string Other(int sequence) => IdNumber.Create("140101", new DateOnly(1980, 1, 1), sequence).Value;
        var (zhang, li, wang, zhao) = (Other(11), Other(22), Other(33), Other(44));
        // 2023's 南陈镇西沟村 140428108211 is GridMap's 南陈乡西沟村 140428203211; 2023's 庄乐村 140428102208 merged
        // 2016's 上三庄 (102204), 红星庄 (102205) and 庄乐 (102208).
        await AddPersonAsync(dataSource, zhang, "张伟", grid: await FirstGridAsync(dataSource, "140428203211"));
        await AddPersonAsync(dataSource, li, "李娜", grid: await FirstGridAsync(dataSource, "140428102204"));
        await AddPersonAsync(dataSource, wang, "王芳", grid: await FirstGridAsync(dataSource, "140428102205"));
        await AddPersonAsync(dataSource, zhao, "赵敏", grid: await FirstGridAsync(dataSource, "140428102208"));

        var report = await ImportAsync(dataSource, "civil-affairs", $"""
            {Header},village_code,address
            {zhang},张伟,low_income,2,2024-05-10,,140428108211,
            {li},李娜,low_income,2,2024-05-10,,140428102208,
            {wang},王芳,low_income,2,2024-05-10,,140428108211,
            {zhao},赵敏,low_income,2,2024-05-10,,140428102208,长子县石哲镇上三庄村12号
            {Other(55)},钱七,low_income,2,2024-05-10,,140428999201,
            """);

        // Every known person is merged; a code placing someone elsewhere than the register is reported, not dropped.
        Assert.Equal((5, 4, 1), (report.Total, report.Inserted, report.Invalid));
        Assert.Equal((4, 2), (report.PlaceChecked, report.PlacedElsewhere));
        Assert.Equal("4|2", await ScalarAsync<string>(dataSource, $"SELECT concat_ws('|', place_checked, placed_elsewhere) FROM dept_import WHERE id = {report.ImportId}"));
        var issues = report.Issues.ToDictionary(i => i.Line);
        Assert.Equal([4, 5, 6], issues.Keys.Order());
        Assert.Equal("place", issues[4].Kind);
        Assert.Contains("The village code 140428108211 places this person in 140428203211 西沟村委会", issues[4].Reason);
        Assert.Contains("the register has them in village 140428102205", issues[4].Reason);
        Assert.Equal("place", issues[5].Kind);
        Assert.Contains("and the address place this person in 140428102204 上三庄村委会", issues[5].Reason);
        Assert.Equal("invalid", issues[6].Kind);
        Assert.Contains("neither a GridMap village nor a 2023 statistical village code", issues[6].Reason);
        Assert.Equal(4L, await ScalarAsync<long>(dataSource,
            $"SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE s.source = 'dept:civil-affairs' AND p.id_number IN ('{zhang}', '{li}', '{wang}', '{zhao}')"));
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        await using var db = await TestDatabases.CreateAsync("importagain");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        await AddPersonAsync(dataSource, Li, "李娜");
        await AddPersonAsync(dataSource, Wang, "王芳", RegisterTypes.Registered);
        var file = $"""
            {Header},register_type
            {Zhang},张伟,drug_user,3,2023-01-15,"复吸, 需关注",
            {Li},李娜,drug_user,1,2022-07-01,,
            {Wang},王芳,household_register,,,,floating
            {Wang},王芳,drug_user,2,2021-02-02,,
            """;

        var first = await ImportAsync(dataSource, "public-security", file);
        var before = await SnapshotAsync(dataSource);
        var second = await ImportAsync(dataSource, "public-security", file);

        Assert.Equal((3, 1, 0), (first.Inserted, first.Updated, first.Unchanged));
        Assert.Equal((0, 0, 4), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(before, await SnapshotAsync(dataSource));
        Assert.Equal("floating", await ScalarAsync<string>(dataSource, $"SELECT register_type FROM person WHERE id_number = '{Wang}'"));
    }

    [Fact]
    public async Task Invalid_rows_are_reported_with_a_reason_a_clerk_can_act_on()
    {
        await using var db = await TestDatabases.CreateAsync("importinvalid");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        await AddPersonAsync(dataSource, Li, "李娜");
        var badCheck = Zhang[..17] + (Zhang[17] == '0' ? '1' : '0');
        var tomorrow = DateOnly.FromDateTime(DateTime.Now).AddDays(1).ToString("yyyy-MM-dd");

        var report = await ImportAsync(dataSource, "civil-affairs", $"""
            {Header}
            {Zhang},张伟,low_income,2,2024-05-10,
            {badCheck},张伟,low_income,2,2024-05-10,
            {Li},李娜,drug_user,2,2024-05-10,
            {Zhang},张伟,low_income,3,2024-06-01,
            {Li},李娜,low_income,2,{tomorrow},
            {Li},李娜,low_income,5,2024-05-10,
            {Li},,low_income,2,2024-05-10,
            {Li},李娜,low_income,2024-05-10
            {Li},李娜,low_income,2,2023-02-30,
            {Li},李娜,low_income,1,2024-01-01,
            """);

        Assert.Equal((10, 2, 8), (report.Total, report.Inserted, report.Invalid));
        var reasons = report.Issues.ToDictionary(i => i.Line);
        Assert.All(report.Issues, i => Assert.Equal("invalid", i.Kind));
        Assert.Contains("check character", reasons[3].Reason);
        Assert.Equal(Masking.IdNumber(badCheck), reasons[3].IdMasked);
        Assert.Contains("\"drug_user\" is not one of civil-affairs's", reasons[4].Reason);
        Assert.StartsWith("Duplicate of line 2", reasons[5].Reason);
        Assert.Contains("in the future", reasons[6].Reason);
        Assert.Contains("risk level \"5\"", reasons[7].Reason);
        Assert.Contains("name is empty", reasons[8].Reason);
        Assert.Contains("has 4 fields but the header has 6", reasons[9].Reason);
        Assert.Contains("\"2023-02-30\" is not a date", reasons[10].Reason);
        Assert.False(reasons.ContainsKey(11));
        // The first of the duplicates is the one merged.
        Assert.Equal("2", await ScalarAsync<string>(dataSource, $"SELECT risk_level::text FROM special_group s JOIN person p ON p.id = s.person_id WHERE p.id_number = '{Zhang}'"));
        Assert.Equal(8L, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM dept_import_issue WHERE import_id = {report.ImportId} AND kind = 'invalid'"));
    }

    [Theory]
    [InlineData("id_number,name,group\n{0},张伟,low_income\n", "lacks the columns risk_level (风险等级), registered_on (登记日期)")]
    [InlineData("{0},张伟,low_income,2,2024-05-10,\n", "not a header")]
    [InlineData("", "empty")]
    [InlineData("id_number,name,group,risk_level,registered_on,note,name\n", "names the column name (姓名) twice")]
    public async Task A_file_without_its_header_is_rejected_whole(string file, string message)
    {
        await using var db = await TestDatabases.CreateAsync("importheader");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(dataSource, "civil-affairs", string.Format(file, Zhang)));

        Assert.Contains(message, error.Message);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT (SELECT count(*) FROM special_group) + (SELECT count(*) FROM dept_import) + (SELECT count(*) FROM audit_log)"));
    }

    [Theory]
    [InlineData("gbk", "not UTF-8 text")]
    [InlineData("nul", "not text")]
    [InlineData("late-gbk", "not UTF-8 text")]
    public async Task A_file_that_is_not_UTF8_text_is_rejected_and_nothing_is_merged(string kind, string message)
    {
        await using var db = await TestDatabases.CreateAsync("importbinary");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        await AddPersonAsync(dataSource, Li, "李娜");
        // Longer than the reader's buffers, so the bad bytes come after rows have been staged.
        var good = Encoding.UTF8.GetBytes($"{Header}\n{Zhang},张伟,low_income,2,2024-05-10,\n" +
            string.Concat(Enumerable.Range(0, 5_000).Select(i => $"{Id(1950 + i % 50, 1 + i % 12, 1, 500 + i / 50)},某人,low_income,2,2024-05-10,\n")));
        byte[] bytes = kind switch
        {
            "gbk" => [.. "id_number,name,"u8, 0xD0, 0xD5, 0xC3, 0xFB, .. ",group\n"u8],    // 姓名 in GBK
            "nul" => [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00],                         // a zip (xlsx) header
            _ => [.. good, .. Encoding.UTF8.GetBytes($"{Wang},"), 0xCD, 0xF5, .. ",low_income,2,2024-05-10,\n"u8],
        };

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            new DepartmentImporter(dataSource).ImportAsync("civil-affairs", new MemoryStream(bytes), "list.csv", "clerk"));

        Assert.Contains(message, error.Message);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT (SELECT count(*) FROM special_group) + (SELECT count(*) FROM dept_import_issue) + (SELECT count(*) FROM audit_log)"));
        // Rejected before the import started, or (late in the file) marked failed with the reason.
        Assert.Equal(kind == "late-gbk" ? "failed" : "", await ScalarAsync<string>(dataSource, "SELECT coalesce(string_agg(status, ','), '') FROM dept_import"));
    }

    [Fact]
    public async Task An_unknown_department_is_rejected()
    {
        await using var db = await TestDatabases.CreateAsync("importdept");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(dataSource, "tax-bureau", $"{Header}\n"));

        Assert.Contains("Unknown department \"tax-bureau\"", error.Message);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM dept_import"));
    }

    [Fact]
    public async Task A_name_that_differs_from_the_register_is_conflicting_and_not_merged()
    {
        await using var db = await TestDatabases.CreateAsync("importconflict");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        await AddPersonAsync(dataSource, Li, "李娜\u3000 ");

        var report = await ImportAsync(dataSource, "health", $"""
            {Header}
            {Zhang},张卫,mental_health,3,2024-05-10,
            {Li}, 李娜 ,mental_health,3,2024-05-10,
            """);

        Assert.Equal((1, 1), (report.Conflicting, report.Inserted));
        var issue = Assert.Single(report.Issues);
        Assert.Equal((2, "conflicting", Masking.IdNumber(Zhang)), (issue.Line, issue.Kind, issue.IdMasked));
        Assert.Contains("\"张卫\" differs from the register's name \"张伟\"", issue.Reason);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE p.id_number = '{Zhang}'"));
    }

    [Fact]
    public async Task An_id_number_nobody_has_is_unmatched_and_issues_page_in_file_order()
    {
        await using var db = await TestDatabases.CreateAsync("importunmatched");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var importer = new DepartmentImporter(dataSource);
        var unknown = Enumerable.Range(1, 5).Select(i => Id(1950 + i, 2, 2, 100 + i)).ToList();

        var report = await ImportAsync(dataSource, "justice", Header + "\n" + string.Join("\n", unknown.Select(id => $"{id},某人,community_correction,2,2024-05-10,")));

        Assert.Equal((5, 5, 0), (report.Total, report.Unmatched, report.Changed));
        var firstPage = await importer.ListIssuesAsync(report.ImportId, afterLine: 0, limit: 2);
        var secondPage = await importer.ListIssuesAsync(report.ImportId, afterLine: firstPage[^1].Line, limit: 2);
        var lastPage = await importer.ListIssuesAsync(report.ImportId, afterLine: secondPage[^1].Line, limit: 2);
        Assert.Equal([2, 3, 4, 5, 6], [.. firstPage.Concat(secondPage).Concat(lastPage).Select(i => i.Line)]);
        Assert.Equal(Masking.IdNumber(unknown[0]), firstPage[0].IdMasked);
        Assert.Equal("unmatched", firstPage[0].Kind);
        Assert.Contains("No person with this ID number", firstPage[0].Reason);
        var status = await importer.GetAsync(report.ImportId);
        Assert.Equal(("done", 5, 5, "justice"), (status!.Status, status.TotalRows, status.Unmatched, status.Department));
        Assert.Null(await importer.GetAsync(report.ImportId + 1));
    }

    [Theory]
    [InlineData(ImportStage.Reading)]
    [InlineData(ImportStage.Finishing)]
    public async Task A_cancelled_import_rolls_back_and_is_marked_failed(ImportStage cancelAt)
    {
        await using var db = await TestDatabases.CreateAsync("importcancel");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var people = await AddPeopleAsync(dataSource, 3_000);
        // Some records exist already, with other values: an applied update would show.
        await ExecuteAsync(dataSource,
            "INSERT INTO special_group (person_id, group_code, department, risk_level, registered_on, visit_cadence_days, next_visit_due, source) " +
            "SELECT id, 'low_income', 'civil-affairs', 1, '2001-01-01', 30, '2001-02-01', 'manual' FROM person WHERE id % 3 = 0");
        var before = await SnapshotAsync(dataSource);
        var file = new StringWriter();
        await new SyntheticDepartmentFile("civil-affairs", people).WriteAsync(file, 4_000);

        using var cancel = new CancellationTokenSource();
        var reports = new List<ImportProgress>();
        var progress = new SynchronousProgress(p =>
        {
            reports.Add(p);
            if (p.Stage == cancelAt && p.Done >= 1_000)
                cancel.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DepartmentImporter(dataSource)
            .ImportAsync("civil-affairs", Utf8(file.ToString()), "cancelled.csv", "clerk", progress, cancel.Token));

        Assert.Contains(reports, p => p.Stage == cancelAt);
        Assert.Equal(before, await SnapshotAsync(dataSource));
        Assert.Equal("failed|cancelled", await ScalarAsync<string>(dataSource, "SELECT status || '|' || error FROM dept_import"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT (SELECT count(*) FROM dept_import_issue) + (SELECT count(*) FROM audit_log)"));
    }

    [Fact]
    public async Task A_synthetic_list_has_the_outcomes_it_was_written_with()
    {
        await using var db = await TestDatabases.CreateAsync("importsynthetic");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var people = await AddPeopleAsync(dataSource, 2_000);
        var file = new StringWriter();
        var expected = await new SyntheticDepartmentFile("public-security", people).WriteAsync(file, 3_000);

        var report = await new DepartmentImporter(dataSource).ImportAsync("public-security", Utf8(file.ToString()), "synthetic.csv", "clerk");

        Assert.True(expected.Invalid > 0 && expected.Conflicting > 0 && expected.Unknown > 0 && expected.Matching > 0);
        Assert.Equal((expected.Rows, expected.Matching, expected.Conflicting, expected.Unknown, expected.Invalid),
            (report.Total, report.Inserted + report.Updated + report.Unchanged, report.Conflicting, report.Unmatched, report.Invalid));
        var again = new StringWriter();
        await new SyntheticDepartmentFile("public-security", people).WriteAsync(again, 3_000);
        Assert.Equal(file.ToString(), again.ToString());
    }

    [Fact]
    public async Task The_import_is_audited_inside_its_transaction()
    {
        await using var db = await TestDatabases.CreateAsync("importaudit");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");

        var report = await ImportAsync(dataSource, "civil-affairs", $"{Header}\n{Zhang},张伟,low_income,2,2024-05-10,\n{Nobody},某人,low_income,2,2024-05-10,\n");

        var entry = Assert.Single(await new AuditLog(dataSource).ListAsync(null, $"dept_import:{report.ImportId}", null, 10));
        Assert.Equal(("clerk", "import", "department list merge"), (entry.Actor, entry.Action, entry.Purpose));
        Assert.Contains("\"inserted\":1", entry.Detail);
        Assert.Contains("\"unmatched\":1", entry.Detail);
        // Written in the import's transaction: the audit entry and the final counts carry the same commit.
        Assert.True(await ScalarAsync<bool>(dataSource,
            $"SELECT a.xmin = d.xmin FROM audit_log a, dept_import d WHERE a.subject = 'dept_import:' || d.id AND d.id = {report.ImportId}"));
        var verification = await new AuditLog(dataSource).VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal(1, verification.Entries);
    }

    [Fact]
    public async Task Quoted_fields_keep_their_commas_quotes_and_line_breaks()
    {
        await using var db = await TestDatabases.CreateAsync("importquotes");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "O'Brien, \"Ann\"");

        var report = await ImportAsync(dataSource, "civil-affairs",
            $"{Header}\r\n{Zhang},\"O'Brien, \"\"Ann\"\"\",low_income,2,2024-05-10,\"搬家,\r\n新址 \"\"东街\"\"\"\r\n{Nobody},某人,low_income,2,2024-05-10,\r\n");

        Assert.Equal((1, 1), (report.Inserted, report.Unmatched));
        Assert.Equal("搬家,\r\n新址 \"东街\"", await ScalarAsync<string>(dataSource, "SELECT note FROM special_group"));
        // The quoted line break makes the second record start on line 4.
        Assert.Equal(4, Assert.Single(report.Issues).Line);
    }

    [Fact]
    public async Task Chinese_headers_and_a_byte_order_mark_are_read()
    {
        await using var db = await TestDatabases.CreateAsync("importchinese");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        await AddPersonAsync(dataSource, Li, "李娜");
        var text = $"序号,身份证号,姓名,类别,风险等级,登记日期,备注\r\n1,{Zhang},张伟,低保对象,1,2024-05-10,核实\r\n2,{Li.ToLowerInvariant()},李娜,low_income,2,20240511,\r\n";

        var report = await new DepartmentImporter(dataSource).ImportAsync("civil-affairs",
            new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]), "低保名单.csv", "clerk");

        Assert.Equal((2, 2, 0), (report.Total, report.Inserted, report.Invalid));
        Assert.Equal("2024-05-10 核实,2024-05-11 ", await ScalarAsync<string>(dataSource,
            "SELECT string_agg(registered_on || ' ' || coalesce(note, ''), ',' ORDER BY registered_on) FROM special_group WHERE group_code = 'low_income'"));
    }

    [Fact]
    public async Task Hostile_strings_are_stored_and_reported_as_data()
    {
        const string Hostile = "'); DROP TABLE person; --";
        await using var db = await TestDatabases.CreateAsync("importhostile");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        await AddPersonAsync(dataSource, Li, "李娜");

        var report = await new DepartmentImporter(dataSource).ImportAsync("civil-affairs", Utf8($"""
            {Header}
            {Zhang},张伟,low_income,2,2024-05-10,"{Hostile}"
            {Li},"李娜{Hostile}",low_income,2,2024-05-10,
            {Wang},王芳,"low_income{Hostile}",2,2024-05-10,
            """), $"list{Hostile}.csv", $"clerk{Hostile}");

        Assert.Equal((1, 1, 1), (report.Inserted, report.Conflicting, report.Invalid));
        Assert.Equal(Hostile, await ScalarAsync<string>(dataSource, "SELECT note FROM special_group"));
        Assert.Equal(2L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM person"));
        Assert.Contains($"\"李娜{Hostile}\"", report.Issues.Single(i => i.Kind == "conflicting").Reason);
        Assert.Contains($"\"low_income{Hostile}\"", report.Issues.Single(i => i.Kind == "invalid").Reason);
        Assert.Equal($"list{Hostile}.csv|clerk{Hostile}", await ScalarAsync<string>(dataSource, "SELECT file_name || '|' || account FROM dept_import"));
    }

    [Fact]
    public async Task Progress_is_readable_by_other_connections_while_the_import_runs()
    {
        await using var db = await TestDatabases.CreateAsync("importprogress");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await using var watcher = GridMapDataSource.Create(db.ConnectionString);
        var people = await AddPeopleAsync(dataSource, 2_500);
        var file = new StringWriter();
        await new SyntheticDepartmentFile("civil-affairs", people).WriteAsync(file, 2_500);
        var seen = new List<string>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Stage is ImportStage.Reading or ImportStage.Finishing && p.Done == p.Total)
            {
                // What the portal would see, polling from another process.
                var status = Task.Run(() => new DepartmentImporter(watcher).GetAsync(p.ImportId)).GetAwaiter().GetResult()!;
                var groups = Task.Run(() => ScalarAsync<long>(watcher, "SELECT count(*) FROM special_group")).GetAwaiter().GetResult();
                seen.Add($"{p.Stage}:{status.Status}:{status.ProcessedRows}/{status.TotalRows}:{groups}");
            }
        });

        var report = await new DepartmentImporter(dataSource).ImportAsync("civil-affairs", Utf8(file.ToString()), "list.csv", "clerk", progress);

        Assert.Equal(["Reading:running:2500/2500:0", "Finishing:running:2500/2500:0"], seen);
        Assert.True(report.Inserted > 1_000);
        Assert.Equal(report.Inserted, await ScalarAsync<long>(watcher, "SELECT count(*) FROM special_group"));
    }

    [Fact]
    public async Task The_cli_exits_0_with_a_summary_and_2_on_a_rejected_file()
    {
        await using var db = await TestDatabases.CreateAsync("importcli");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await AddPersonAsync(dataSource, Zhang, "张伟");
        var directory = Directory.CreateTempSubdirectory("gridmap-import-");
        try
        {
            var good = Path.Combine(directory.FullName, "good.csv");
            var bad = Path.Combine(directory.FullName, "bad.csv");
            var issues = Path.Combine(directory.FullName, "issues.csv");
            await File.WriteAllTextAsync(good, $"{Header}\n{Zhang},张伟,low_income,2,2024-05-10,\n{Nobody},某人,low_income,2,2024-05-10,\n");
            await File.WriteAllTextAsync(bad, "id_number,name\n");

            var ok = await RunCliAsync("import", "dept", "--department", "civil-affairs", good, "--db", db.ConnectionString, "--report", issues);
            var rejected = await RunCliAsync("import", "dept", "--department", "civil-affairs", bad, "--db", db.ConnectionString);

            Assert.Equal(0, ok.ExitCode);
            Assert.Contains("2 rows", ok.Output);
            Assert.Contains("1 inserted", ok.Output);
            Assert.Contains("1 unmatched", ok.Output);
            Assert.Contains($"line       3  unmatched    {Masking.IdNumber(Nobody)}", ok.Output);
            Assert.Equal(["line,kind,id_masked,reason", $"3,unmatched,{Masking.IdNumber(Nobody)},No person with this ID number is in the register."],
                (await File.ReadAllLinesAsync(issues)).Select(l => l.TrimStart('\uFEFF')));
            Assert.Equal(2, rejected.ExitCode);
            Assert.Contains("bad.csv rejected: The header lacks the columns group", rejected.Error);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private const string GroupValues =
        "concat_ws('|', department, risk_level, registered_on, visit_cadence_days, next_visit_due, source, coalesce(note, ''))";

    private static string Id(int year, int month, int day, int sequence) =>
        IdNumber.Create("140428", new DateOnly(year, month, day), sequence).Value;

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static Task<ImportReport> ImportAsync(NpgsqlDataSource dataSource, string department, string csv) =>
        new DepartmentImporter(dataSource).ImportAsync(department, Utf8(csv), "list.csv", "clerk");

    private static async Task<long> AddPersonAsync(NpgsqlDataSource dataSource, string idNumber, string name, string registerType = RegisterTypes.Floating,
        string? grid = null)
    {
        var id = IdNumber.Parse(idNumber);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO person (id_number, name, sex, birth_date, register_type, grid_code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
        command.Parameters.Add(new() { Value = idNumber });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = id.IsMale ? "M" : "F" });
        command.Parameters.Add(new() { Value = id.BirthDate });
        command.Parameters.Add(new() { Value = registerType });
        command.Parameters.Add(new() { Value = (object?)grid ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Task<string> FirstGridAsync(NpgsqlDataSource dataSource, string village) =>
        ScalarAsync<string>(dataSource, $"SELECT min(code) FROM grid WHERE village_code = '{village}'");

    /// <summary>People with distinct valid ID numbers and synthetic names, in one statement.</summary>
    private static async Task<IReadOnlyList<RegisteredPerson>> AddPeopleAsync(NpgsqlDataSource dataSource, int count)
    {
        var random = new Random(7);
        var people = Enumerable.Range(0, count)
            .Select(i => new RegisteredPerson(Id(1950 + i % 50, 1 + i % 12, 1 + i % 28, i / 50 % 1000), SyntheticNames.FullName(random, i % 2 == 0)))
            .DistinctBy(p => p.IdNumber)
            .ToList();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO person (id_number, name, sex, birth_date, register_type)
            SELECT id, name, 'M', '1950-01-01', 'registered' FROM unnest($1::text[], $2::text[]) AS p (id, name)
            """);
        command.Parameters.Add(new() { Value = people.Select(p => p.IdNumber).ToArray() });
        command.Parameters.Add(new() { Value = people.Select(p => p.Name).ToArray() });
        await command.ExecuteNonQueryAsync();
        return people;
    }

    /// <summary>Every special group and register type with its row version: equal snapshots mean nothing was rewritten.</summary>
    private static Task<string> SnapshotAsync(NpgsqlDataSource dataSource) => ScalarAsync<string>(dataSource, """
        SELECT coalesce((SELECT string_agg(concat_ws('|', id, person_id, group_code, department, risk_level, registered_on,
                                                     visit_cadence_days, next_visit_due, source, note, xmin), E'\n' ORDER BY id)
                         FROM special_group), '') || E'\n--\n' ||
               (SELECT string_agg(concat_ws('|', id, register_type, xmin), E'\n' ORDER BY id) FROM person)
        """);

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var cli = typeof(GridMap.Cli.Commands.CommandTree).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", cli, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; these tests act inside the callback, before the import goes on.</summary>
    private sealed class SynchronousProgress(Action<ImportProgress> onReport) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => onReport(value);
    }
}

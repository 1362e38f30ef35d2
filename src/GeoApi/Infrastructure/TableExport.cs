using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>One column of an exported table: its header and how a row gives its cell (a number, text or nothing).</summary>
public sealed record ExportColumn<T>(string Header, Func<T, object?> Cell);

/// <summary>
/// Tables people hand on: CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) and .xlsx (MiniExcel), from
/// the same columns so both files say the same. Text that starts like a formula (= + - @) is quoted with an
/// apostrophe in both, so a name cannot become a formula in someone's spreadsheet.
/// </summary>
public static class TableExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Csv<T>(IReadOnlyList<ExportColumn<T>> columns, IEnumerable<T> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', columns.Select(c => Quote(c.Header))).Append("\r\n");
        foreach (var row in rows)
            text.AppendJoin(',', columns.Select(c => c.Cell(row) switch
            {
                null => "",
                string s => Quote(s),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => Quote(other.ToString() ?? ""),
            })).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static byte[] Xlsx<T>(string sheet, IReadOnlyList<ExportColumn<T>> columns, IEnumerable<T> rows)
    {
        var table = rows.Select(row =>
        {
            var cells = new Dictionary<string, object?>(columns.Count);
            foreach (var column in columns)
                cells[column.Header] = column.Cell(row) is var cell && cell is string s ? Defuse(s) : cell;
            return cells;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(table, sheetName: sheet, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>A CSV cell: defused, and quoted when it holds a comma, quote or line break.</summary>
    public static string Quote(string value)
    {
        var safe = Defuse(value);
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + safe.Replace("\"", "\"\"") + "\"" : safe;
    }

    private static string Defuse(string value) => value.Length > 0 && "=+-@".Contains(value[0]) ? "'" + value : value;
}

using System.Text;

namespace GridMap.Store.Boundaries;

/// <summary>The small CSV dialect of the boundary files: comma-separated, double quotes around a cell that needs them.</summary>
public static class Csv
{
    public static IEnumerable<string[]> ReadRows(string path, bool skipHeader = true)
    {
        var first = true;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (first && skipHeader)
            {
                first = false;
                continue;
            }
            first = false;
            if (line.Length == 0 || line[0] == '#')
                continue;
            yield return Split(line);
        }
    }

    public static string[] Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    cell.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
                cell.Append(c);
        }
        cells.Add(cell.ToString());
        return [.. cells];
    }

    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    public static void Write(string path, string header, IEnumerable<IEnumerable<string>> rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(header);
        foreach (var row in rows)
            writer.WriteLine(string.Join(',', row.Select(Quote)));
    }
}

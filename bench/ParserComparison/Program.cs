using System.Diagnostics;
using System.Globalization;
using System.Text;
using GridMap.Domain.People;
using GridMap.Domain.Tiles;
using GridMap.ParserComparison;
using GridMap.Store.Database;
using GridMap.Store.Imports;
using GridMap.Store.Tiles;
using GridMap.Tiling.Rendering;

// dotnet run -c Release --project bench/ParserComparison -- csv [ROWS] [RUNS]
// dotnet run -c Release --project bench/ParserComparison -- tiles CONNECTION_STRING DIR [COUNT]   (z12 grids tiles of the province)
// dotnet run -c Release --project bench/ParserComparison -- mvt DIR [RUNS]
// Each run times both readers back to back, alternating which goes first; the medians are what to compare.
return args switch
{
    ["csv", ..] => await CsvAsync(Arg(1, 1_000_000), Arg(2, 7)),
    ["tiles", var cs, var dir, ..] => await TilesAsync(cs, dir, Arg(3, 400)),
    ["mvt", var dir, ..] => Mvt(dir, Arg(2, 7)),
    _ => Usage(),
};

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static int Usage()
{
    Console.Error.WriteLine("usage: csv [ROWS] [RUNS] | tiles CONNECTION_STRING DIR [COUNT] | mvt DIR [RUNS]");
    return 2;
}

static async Task<int> CsvAsync(int rows, int runs)
{
    // The file of `gridmap bench import`, written against made-up people: the reader sees the same shapes of rows.
    var people = Enumerable.Range(0, rows).Select(i => new RegisteredPerson($"14042{i:D12}X"[..18], $"张{i % 977}伟")).ToList();
    var path = Path.Combine(Path.GetTempPath(), $"gridmap-parsers-{rows}-{Environment.ProcessId}.csv");
    try
    {
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
            await new SyntheticDepartmentFile(Departments.CivilAffairs, people).WriteAsync(writer, rows);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {path}: {new FileInfo(path).Length / 1048576.0:F1} MB, {rows:N0} rows");

        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);
        StreamReader Open() => new(File.OpenRead(path), strictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        async Task<(long Records, long Digest)> HandWritten()
        {
            using var text = Open();
            var reader = new HandWrittenCsvRecordReader(text);
            return await DrainAsync(reader.ReadAsync, () => reader.RecordLine);
        }
        async Task<(long Records, long Digest)> Library()
        {
            using var text = Open();
            await using var reader = new CsvRecordReader(text);
            return await DrainAsync(reader.ReadAsync, () => reader.RecordLine);
        }
        var check = (await HandWritten(), await Library());
        Console.WriteLine($"records and digest (fields and lines): hand-written {check.Item1}, CsvHelper {check.Item2} — {(check.Item1 == check.Item2 ? "same" : "DIFFERENT")}");
        await CompareAsync("CSV 1,000,000-row department list", runs, ("hand-written", HandWritten), ("CsvHelper 34.0.0", Library));
        return check.Item1 == check.Item2 ? 0 : 1;
    }
    finally
    {
        File.Delete(path);
    }
}

static async Task<(long Records, long Digest)> DrainAsync(Func<List<string>, CancellationToken, ValueTask<bool>> read, Func<int> line)
{
    var fields = new List<string>(8);
    long records = 0, digest = 17;
    while (await read(fields, CancellationToken.None))
    {
        records++;
        digest = digest * 31 + line();
        foreach (var field in fields)
            digest = digest * 31 + string.GetHashCode(field, StringComparison.Ordinal);
    }
    return (records, digest);
}

static async Task<int> TilesAsync(string connectionString, string dir, int count)
{
    await using var dataSource = GridMapDataSource.Create(connectionString, "gridmap-parsers");
    var store = new VectorTileStore(dataSource);
    var outline = await store.GetProvinceOutline3857Async();
    var random = new Random(2013);
    var written = 0;
    foreach (var tile in VectorTileStore.TilesOver(outline, 12, 12).OrderBy(_ => random.Next()))
    {
        var mvt = await store.GetTileAsync(TileLayers.Grids, tile);
        if (mvt.Length == 0)
            continue;
        Directory.CreateDirectory(Path.Combine(dir, $"{tile.Z}", $"{tile.X}"));
        await File.WriteAllBytesAsync(Path.Combine(dir, $"{tile.Z}", $"{tile.X}", $"{tile.Y}.mvt"), mvt);
        if (++written == count)
            break;
    }
    Console.WriteLine($"{written} non-empty z12 grids tiles in {dir}");
    return 0;
}

static int Mvt(string dir, int runs)
{
    var tiles = Directory.EnumerateFiles(dir, "*.mvt", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(file =>
    {
        var parts = Path.GetRelativePath(dir, file).Split(Path.DirectorySeparatorChar);
        return (Tile: new TileCoordinate(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(Path.GetFileNameWithoutExtension(parts[2]), CultureInfo.InvariantCulture)), Bytes: File.ReadAllBytes(file));
    }).ToList();
    Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {tiles.Count} tiles, {tiles.Sum(t => t.Bytes.Length) / 1024.0:F0} KB");

    var differing = tiles.Count(t => Text(MvtReader.Read(t.Bytes)) != Text(NtsMvtReader.Read(t.Bytes, t.Tile)));
    Console.WriteLine($"tiles whose decoded layers differ (names, extents, ids, types, attributes, every vertex): {differing}");
    // Each pass decodes every tile 10 times, long enough for the timer.
    long HandWritten()
    {
        long n = 0;
        for (var k = 0; k < 10; k++)
            foreach (var t in tiles)
                n += MvtReader.Read(t.Bytes).Sum(l => l.Features.Count);
        return n;
    }
    long Library()
    {
        long n = 0;
        for (var k = 0; k < 10; k++)
            foreach (var t in tiles)
                n += NtsMvtReader.Read(t.Bytes, t.Tile).Sum(l => l.Features.Count);
        return n;
    }
    CompareAsync($"MVT decode, {tiles.Count} z12 tiles × 10", runs, ("hand-written", () => Task.FromResult(HandWritten())),
        ("NTS.IO.VectorTiles.Mapbox 1.1.0", () => Task.FromResult(Library()))).GetAwaiter().GetResult();

    // What a PNG tile costs the service past PostGIS (decode, draw, encode), to weigh the decoders' difference against.
    using var renderer = new PngRenderer("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
    var renders = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var t in tiles)
            renderer.Render("grids", t.Tile, t.Bytes, 1);
        renders.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / tiles.Count);
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"PNG render with the hand-written decoder (decode + draw + encode), CPU ms per tile: median {Median(renders):F2}   runs {string.Join(" ", renders.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}"));
    return differing == 0 ? 0 : 1;
}

static string Text(IReadOnlyList<MvtLayer> layers)
{
    var text = new StringBuilder();
    foreach (var layer in layers)
    {
        text.Append(CultureInfo.InvariantCulture, $"{layer.Name} {layer.Extent}\n");
        foreach (var f in layer.Features)
        {
            text.Append(CultureInfo.InvariantCulture, $" {f.Id} {f.Type} ");
            text.AppendJoin(',', f.Attributes.Select(a => $"{a.Key}={a.Value.GetType().Name}:{Convert.ToString(a.Value, CultureInfo.InvariantCulture)}"));
            foreach (var part in f.Parts)
                text.Append(" |").AppendJoin(' ', part.Select(p => $"{p.X},{p.Y}"));
            text.Append('\n');
        }
    }
    return text.ToString();
}

static async Task CompareAsync<T>(string what, int runs, (string Name, Func<Task<T>> Run) a, (string Name, Func<Task<T>> Run) b)
{
    await a.Run();
    await b.Run();
    var times = new Dictionary<string, (List<double> Wall, List<double> Cpu)> { [a.Name] = ([], []), [b.Name] = ([], []) };
    for (var run = 0; run < runs; run++)
    {
        foreach (var (name, body) in run % 2 == 0 ? new[] { a, b } : [b, a])
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            // The machine is shared: the process's CPU time is the steadier figure, wall time the one a caller waits.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await body();
            times[name].Wall.Add(clock.Elapsed.TotalMilliseconds);
            times[name].Cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
        }
    }
    Console.WriteLine($"{what}, {runs} runs each, interleaved (ms):");
    foreach (var (name, (wall, cpu)) in times)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-32} CPU median {Median(cpu),6:F0} (runs {Runs(cpu)})   wall median {Median(wall),6:F0}, best {wall.Min():F0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {b.Name} / {a.Name}: CPU {Median(times[b.Name].Cpu) / Median(times[a.Name].Cpu):F2}, wall {Median(times[b.Name].Wall) / Median(times[a.Name].Wall):F2}, best wall {times[b.Name].Wall.Min() / times[a.Name].Wall.Min():F2}"));
}

static double Median(List<double> xs)
{
    var sorted = xs.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Runs(List<double> xs) => string.Join(" ", xs.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)));

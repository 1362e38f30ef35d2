using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using GridMap.Domain.Tiles;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// The raw yardstick: PostgreSQL's own pgbench running the tile statement (prepared) for random tiles of a list,
/// as fast as the server allows. A transaction is the tile statement plus a primary-key lookup of its z/x/y.
/// </summary>
internal static partial class PgBench
{
    private const string Binary = "/usr/lib/postgresql/15/bin/pgbench";

    public static async Task<double> TilesPerSecondAsync(NpgsqlDataSource dataSource, string connectionString, string tileSql,
        IReadOnlyList<TileCoordinate> tiles, int clients, double seconds, CancellationToken ct)
    {
        await using (var setup = dataSource.CreateCommand(
            "CREATE SCHEMA IF NOT EXISTS bench; DROP TABLE IF EXISTS bench.tile; CREATE TABLE bench.tile (i int PRIMARY KEY, z int, x int, y int)"))
            await setup.ExecuteNonQueryAsync(ct);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var copy = await connection.BeginBinaryImportAsync("COPY bench.tile (i, z, x, y) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < tiles.Count; i++)
                await copy.WriteRowAsync(ct, i + 1, tiles[i].Z, tiles[i].X, tiles[i].Y);
            await copy.CompleteAsync(ct);
        }

        var folder = Directory.CreateTempSubdirectory("gridmap-pgbench-");
        try
        {
            var script = Path.Combine(folder.FullName, "tile.sql");
            var statement = string.Join(' ', tileSql.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)))
                .Replace("@z", ":z").Replace("@x", ":x").Replace("@y", ":y").Trim().TrimEnd(';');
            await File.WriteAllTextAsync(script,
                $"\\set i random(1, {tiles.Count})\nSELECT z, x, y FROM bench.tile WHERE i = :i \\gset\n{statement};\n", ct);

            var cs = new NpgsqlConnectionStringBuilder(connectionString);
            var start = new ProcessStartInfo(Binary,
            [
                "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", clients.ToString(CultureInfo.InvariantCulture),
                "-T", Math.Max(1, (int)Math.Round(seconds)).ToString(CultureInfo.InvariantCulture), "-f", script,
                "-h", cs.Host ?? "127.0.0.1", "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username ?? "gridmap", cs.Database ?? "gridmap",
            ])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PGPASSWORD"] = cs.Password ?? "";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
            var output = await process.StandardOutput.ReadToEndAsync(ct);
            var error = await process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            var tps = Tps().Match(output);
            if (process.ExitCode != 0 || !tps.Success)
                throw new InvalidOperationException($"pgbench failed: {output}{error}");
            return double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally
        {
            folder.Delete(recursive: true);
            await using var drop = dataSource.CreateCommand("DROP SCHEMA bench CASCADE");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}

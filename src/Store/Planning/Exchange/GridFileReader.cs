using GridMap.Domain;
using System.Globalization;
using System.IO.Compression;
using GridMap.Domain.Codes;
using GridMap.Store.Boundaries;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace GridMap.Store.Planning.Exchange;

/// <summary>One uploaded file: the name it came with (used only to tell the parts of a shapefile apart) and its bytes.</summary>
public sealed record ExchangeFile(string Name, byte[] Content);

/// <summary>How much an imported file may hold.</summary>
/// <param name="MaxBytes">The file, or the unpacked contents of a zip, at most.</param>
/// <param name="MaxFeatures">A village has at most 999 grids (the 3-digit sequence), so a file has at most as many features.</param>
public sealed record GridFileLimits(long MaxBytes, int MaxFeatures)
{
    public static GridFileLimits Default { get; } = new(20L * 1024 * 1024, GridCode.MaxSequence);
}

/// <summary>
/// Reads a village's grids back from a GIS file a planner edited (GeoJSON, a GeoPackage, a shapefile zipped or as its
/// loose .shp/.shx/.dbf/.prj/.cpg parts) and reports every problem of the file itself: unreadable, too big, too many
/// features, not longitude/latitude, missing or non-polygon geometry, invalid polygons, coordinates outside Shanxi,
/// malformed, foreign or duplicate codes. The layout's topology (gaps, overlaps, cover) is the draft's job.
/// </summary>
public static class GridFileReader
{
    /// <summary>Shanxi's bounding box, rounded outwards: a grid anywhere else is a wrong file or wrong coordinates.</summary>

    private static readonly string[] ShapefileParts = [".shp", ".shx", ".dbf", ".prj", ".cpg"];
    private const int MaxZipEntries = 100;

    /// <param name="codes2023">The 2023 village codes that stand for <paramref name="village"/>: a grid numbered under one
    /// of them (a file from a system on the 2023 codes) is read as a new grid of this village, numbered when published.</param>
    public static GridFileImport Read(IReadOnlyList<ExchangeFile> files, AdminCode village, GridFileLimits? limits = null,
        IReadOnlySet<string>? codes2023 = null)
    {
        if (village.Level != AdminLevel.Village)
            throw new ArgumentException($"{village} is not a village code.", nameof(village));
        limits ??= GridFileLimits.Default;
        if (files.Count == 0)
            return GridFileImport.Refused(GridFileProblem.OfFile(GridFileProblemKind.Unreadable, "No file was uploaded."));
        var size = files.Sum(f => (long)f.Content.Length);
        if (size > limits.MaxBytes)
            return GridFileImport.Refused(Oversized(size, limits));
        try
        {
            var layer = ReadLayer(files, limits);
            return layer.FeatureCount > limits.MaxFeatures
                ? GridFileImport.Refused(GridFileProblem.OfFile(GridFileProblemKind.TooManyFeatures,
                    $"The file holds {layer.FeatureCount} features; a village has at most {limits.MaxFeatures} grids."))
                : Check(layer, village, codes2023 ?? new HashSet<string>());
        }
        catch (GridFileException refused)
        {
            return GridFileImport.Refused(refused.Problem);
        }
    }

    private static GridLayerRead ReadLayer(IReadOnlyList<ExchangeFile> files, GridFileLimits limits)
    {
        if (files.Count > 1)
            return ShapefileGrids.Read(ShapefileSet(files.Select(f => (f.Name, f.Content))), limits.MaxFeatures);
        var file = files[0];
        if (GeoPackageGrids.LooksLikeSqlite(file.Content))
            return GeoPackageGrids.Read(file.Content, limits.MaxFeatures);
        if (IsZip(file.Content))
            return ShapefileGrids.Read(ShapefileSet(Unzip(file.Content, limits)), limits.MaxFeatures);
        if (ShapefileParts.Contains(Extension(file.Name)))
            throw Unreadable("A shapefile comes as several files (.shp, .shx, .dbf, .prj, .cpg): upload them together, or zipped.");
        if (GeoJsonGrids.LooksLikeJson(file.Content))
            return GeoJsonGrids.Read(file.Content, limits.MaxFeatures);
        throw Unreadable("This is not a file GridMap reads: upload GeoJSON, a GeoPackage (.gpkg) or a zipped shapefile.");
    }

    private static GridFileImport Check(GridLayerRead layer, AdminCode village, IReadOnlySet<string> codes2023)
    {
        var extent = new Envelope();
        foreach (var feature in layer.Features)
            if (feature.Geometry is { IsEmpty: false } g)
                extent.ExpandToInclude(g.EnvelopeInternal);
        if (!extent.IsNull && (extent.MinX < -180 || extent.MaxX > 180 || extent.MinY < -90 || extent.MaxY > 90))
            return GridFileImport.Refused(GridFileProblem.OfFile(GridFileProblemKind.NotGeographic,
                $"Coordinates such as ({Number(extent.MinX)}, {Number(extent.MinY)}) are not longitude/latitude: " +
                "save the file in CGCS2000 (EPSG:4490) geographic coordinates, not a projected system."));
        if (layer.CrsProblem is { } crs)
            return GridFileImport.Refused(crs);

        var grids = new List<ImportedGrid>();
        var problems = new List<GridFileProblem>();
        var firstWithCode = new Dictionary<string, int>(StringComparer.Ordinal);
        var renumbered = new List<RenumberedGrid>();
        foreach (var feature in layer.Features)
        {
            var index = feature.Index;
            var codeText = feature.Code;
            var shown = codeText is null ? null : Shown(codeText);
            void Problem(GridFileProblemKind kind, string message, Geometry? location) =>
                problems.Add(new GridFileProblem(kind, index, shown, $"Feature {index}{(shown is null ? "" : $" ({shown})")}: {message}", location));

            var usable = true;
            var geometry = feature.Geometry;
            Geometry? polygonal = null;
            if (feature.GeometryError is { } error)
            {
                Problem(GridFileProblemKind.InvalidPolygon, $"the geometry cannot be read ({error}).", null);
                usable = false;
            }
            else if (geometry is null || geometry.IsEmpty)
            {
                Problem(GridFileProblemKind.MissingGeometry, "no geometry; every grid needs its polygon.", null);
                usable = false;
            }
            else if (geometry is not (Polygon or MultiPolygon))
            {
                Problem(GridFileProblemKind.WrongGeometryType, $"a {geometry.GeometryType} where a grid needs a Polygon or MultiPolygon.", geometry);
                usable = false;
            }
            else
            {
                polygonal = Geo.Factory.CreateGeometry(geometry);
                var box = polygonal.EnvelopeInternal;
                if (box.MinX < ShanxiBox.MinLon || box.MaxX > ShanxiBox.MaxLon || box.MinY < ShanxiBox.MinLat || box.MaxY > ShanxiBox.MaxLat)
                {
                    Problem(GridFileProblemKind.OutsideShanxi,
                        $"lies outside Shanxi (longitude {ShanxiBox.MinLon}–{ShanxiBox.MaxLon}, latitude {ShanxiBox.MinLat}–{ShanxiBox.MaxLat}), near ({Number(box.Centre.X)}, {Number(box.Centre.Y)}).",
                        polygonal);
                    usable = false;
                }
                else if (new IsValidOp(polygonal).ValidationError is { } invalid)
                {
                    Problem(GridFileProblemKind.InvalidPolygon,
                        $"invalid polygon: {invalid.Message} at ({Number(invalid.Coordinate.X)}, {Number(invalid.Coordinate.Y)}).",
                        Geo.Factory.CreatePoint(invalid.Coordinate.Copy()));
                }
            }

            AdminCode? code = null;
            if (codeText is not null)
            {
                if (!AdminCode.TryParse(codeText, out var parsed, out _) || parsed.Level != AdminLevel.Grid)
                {
                    Problem(GridFileProblemKind.MalformedCode, "the code is not a 15-digit grid code; leave it empty for a new grid.", polygonal);
                    usable = false;
                }
                else if (!village.IsAncestorOf(parsed) && codes2023.Contains(parsed.Value[..12]))
                {
                    renumbered.Add(new RenumberedGrid(index, parsed.Value, parsed.Value[..12]));
                }
                else if (!village.IsAncestorOf(parsed))
                {
                    Problem(GridFileProblemKind.OtherVillage, $"grid {parsed} belongs to village {parsed.Parent}, not {village}.", polygonal);
                    usable = false;
                }
                else if (firstWithCode.TryGetValue(parsed.Value, out var first))
                {
                    Problem(GridFileProblemKind.DuplicateCode, $"feature {first} has the same code; each grid appears once.", polygonal);
                    code = parsed;
                }
                else
                {
                    firstWithCode[parsed.Value] = index;
                    code = parsed;
                }
            }
            if (usable && polygonal is not null)
                grids.Add(new ImportedGrid(index, code, polygonal));
        }
        return new GridFileImport(grids, problems) { Renumbered = renumbered };
    }

    /// <summary>The parts of one shapefile, by extension, from loose files or a zip's entries.</summary>
    private static Dictionary<string, byte[]> ShapefileSet(IEnumerable<(string Name, byte[] Content)> files)
    {
        var parts = files
            .Select(f => (Name: BaseName(f.Name), f.Content))
            .Where(f => f.Name.Length > 0 && !f.Name.StartsWith("._", StringComparison.Ordinal) && ShapefileParts.Contains(Extension(f.Name)))
            .ToList();
        var layers = parts.Where(p => Extension(p.Name) == ".shp").Select(p => p.Name[..^4]).ToList();
        if (layers.Count == 0)
            throw Unreadable("No .shp file was found: a shapefile needs its .shp and .dbf (and .shx, .prj, .cpg).");
        if (layers.Count > 1)
            throw Unreadable($"{layers.Count} shapefiles came together ({string.Join(", ", layers.Take(5).Select(Shown))}); send one layer of a village's grids.");
        var layer = layers[0];
        var set = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var part in parts.Where(p => string.Equals(p.Name[..^4], layer, StringComparison.OrdinalIgnoreCase)))
            set[Extension(part.Name)] = part.Content;
        if (!set.ContainsKey(".dbf"))
            throw Unreadable($"{Shown(layer)}.dbf is missing: a shapefile's attributes (the grid codes) are in its .dbf.");
        return set;
    }

    private static IEnumerable<(string Name, byte[] Content)> Unzip(byte[] content, GridFileLimits limits)
    {
        var entries = new List<(string, byte[])>();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxZipEntries)
                throw Unreadable($"The zip holds {zip.Entries.Count} files; a shapefile needs five.");
            long unpacked = 0;
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/') || entry.FullName.Contains("__MACOSX", StringComparison.Ordinal))
                    continue;
                // Sizes in the zip's directory can lie; count what actually comes out.
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    unpacked += read;
                    if (unpacked > limits.MaxBytes)
                        throw new GridFileException(Oversized(unpacked, limits, unpackedZip: true));
                    buffer.Write(chunk, 0, read);
                }
                entries.Add((entry.FullName, buffer.ToArray()));
            }
        }
        catch (InvalidDataException broken)
        {
            throw Unreadable($"The zip cannot be read: {broken.Message}");
        }
        return entries;
    }

    private static bool IsZip(byte[] content) => content.Length >= 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;

    /// <summary>The file name without any folder, whatever the uploader's path separator.</summary>
    private static string BaseName(string name) => name.Replace('\\', '/').Split('/').Last().Trim();

    private static string Extension(string name) => Path.GetExtension(BaseName(name)).ToLowerInvariant();

    private static GridFileProblem Oversized(long size, GridFileLimits limits, bool unpackedZip = false) =>
        GridFileProblem.OfFile(GridFileProblemKind.Oversized, unpackedZip
            ? $"The zip unpacks to more than {Megabytes(limits.MaxBytes)} MB, the most GridMap reads: export one village at a time."
            : $"The file has {Megabytes(size)} MB; GridMap reads at most {Megabytes(limits.MaxBytes)} MB: export one village at a time.");

    private static string Megabytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture);

    internal static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Echo at most 40 characters of a file's text, without control characters, so hostile text is not reflected whole.</summary>
    internal static string Shown(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return clean.Length <= 40 ? clean : clean[..40] + "…";
    }

    internal static GridFileException Unreadable(string message) =>
        new(GridFileProblem.OfFile(GridFileProblemKind.Unreadable, message));
}

/// <summary>A file refused as a whole while it is read.</summary>
internal sealed class GridFileException(GridFileProblem problem) : Exception(problem.Message)
{
    public GridFileProblem Problem { get; } = problem;
}

/// <summary>What a format reader found: each feature's code text and geometry, and whether the file's CRS is refused.</summary>
/// <param name="FeatureCount">All features in the file, even beyond the ones read when there are too many.</param>
internal sealed record GridLayerRead(IReadOnlyList<RawGridFeature> Features, int FeatureCount, GridFileProblem? CrsProblem);

/// <param name="GeometryError">Why the feature's geometry could not be decoded, if it could not.</param>
internal sealed record RawGridFeature(int Index, string? Code, Geometry? Geometry, string? GeometryError = null)
{
    /// <summary>A code attribute as text, whether the file stored it as text or as a number.</summary>
    public static string? CodeText(object? value) => value switch
    {
        null or DBNull => null,
        string s => s.Trim() is { Length: > 0 } trimmed ? trimmed : null,
        double d when Math.Abs(d) < 1e16 && d == Math.Floor(d) => ((long)d).ToString(CultureInfo.InvariantCulture),
        decimal m when m == decimal.Floor(m) => m.ToString("0", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

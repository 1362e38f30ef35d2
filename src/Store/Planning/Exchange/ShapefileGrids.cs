using System.Text;
using System.Text.RegularExpressions;
using GridMap.Store.Boundaries;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;

namespace GridMap.Store.Planning.Exchange;

/// <summary>Reads grids from a shapefile's parts (by extension): polygons from the .shp, the code from the .dbf.</summary>
internal static class ShapefileGrids
{
    static ShapefileGrids() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static GridLayerRead Read(IReadOnlyDictionary<string, byte[]> parts, int maxFeatures)
    {
        var crsProblem = parts.TryGetValue(".prj", out var prj) ? CrsProblem(Encoding.UTF8.GetString(prj)) : null;
        var options = new ShapefileReaderOptions
        {
            Factory = Geo.Factory,
            Encoding = parts.TryGetValue(".cpg", out var cpg) ? CodePage(Encoding.ASCII.GetString(cpg)) : null,
            // Keep invalid rings as they are, so the problem report can point at them instead of the reader guessing a fix.
            GeometryBuilderMode = GeometryBuilderMode.IgnoreInvalidShapes,
        };
        try
        {
            using var reader = Shapefile.OpenRead(new MemoryStream(parts[".shp"]), new MemoryStream(parts[".dbf"]), options);
            var codeField = reader.Fields.FirstOrDefault(f => string.Equals(f.Name, ExchangeFields.Code, StringComparison.OrdinalIgnoreCase))?.Name;
            var features = new List<RawGridFeature>();
            var index = 0;
            while (features.Count <= maxFeatures && reader.Read(out var deleted, out var feature))
            {
                if (deleted)
                    continue;
                var code = codeField is null ? null : RawGridFeature.CodeText(feature.Attributes[codeField]);
                features.Add(new RawGridFeature(index++, code, feature.Geometry));
            }
            return new GridLayerRead(features, Math.Max(reader.RecordCount, features.Count), crsProblem);
        }
        catch (Exception broken) when (broken is ShapefileException or IOException or ArgumentException or InvalidOperationException or NotSupportedException or IndexOutOfRangeException)
        {
            throw GridFileReader.Unreadable($"The shapefile cannot be read: {GridFileReader.Shown(broken.Message)}");
        }
    }

    /// <summary>The .dbf's text encoding as its .cpg names it; null lets the reader take it from the .dbf header.</summary>
    private static Encoding? CodePage(string name)
    {
        name = name.Trim();
        if (name.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || name.Equals("UTF8", StringComparison.OrdinalIgnoreCase) || name == "65001")
            return Encoding.UTF8;
        if (int.TryParse(name, out var page) || (name.StartsWith("CP", StringComparison.OrdinalIgnoreCase) && int.TryParse(name[2..], out page)))
            return TryEncoding(() => Encoding.GetEncoding(page));
        return TryEncoding(() => Encoding.GetEncoding(name));

        static Encoding? TryEncoding(Func<Encoding> get)
        {
            try
            {
                return get();
            }
            catch (Exception unknown) when (unknown is ArgumentException or NotSupportedException)
            {
                return null;
            }
        }
    }

    /// <summary>A .prj must describe CGCS2000 or WGS 84 longitude/latitude; a projected system is refused by name.</summary>
    private static GridFileProblem? CrsProblem(string wkt)
    {
        wkt = wkt.Trim();
        if (wkt.Length == 0)
            return null;
        var name = wkt.IndexOf('"') is var open and >= 0 && wkt.IndexOf('"', open + 1) is var close and > 0 ? wkt[(open + 1)..close] : wkt;
        if (wkt.StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase) || wkt.StartsWith("PROJCRS", StringComparison.OrdinalIgnoreCase))
            return GridFileProblem.OfFile(GridFileProblemKind.NotGeographic,
                $"The .prj is a projected coordinate system ('{GridFileReader.Shown(name)}'): save the file in CGCS2000 (EPSG:4490) longitude/latitude.");
        var datum = Regex.Match(wkt, @"DATUM\s*\[\s*""([^""]*)""", RegexOptions.IgnoreCase).Groups[1].Value;
        string[] accepted = ["China_2000", "D_China_2000", "CGCS2000", "China Geodetic Coordinate System 2000", "WGS_1984", "D_WGS_1984", "WGS 84", "World Geodetic System 1984"];
        return accepted.Contains(datum, StringComparer.OrdinalIgnoreCase)
            ? null
            : GridFileProblem.OfFile(GridFileProblemKind.UnsupportedCrs,
                $"The .prj names '{GridFileReader.Shown(name)}' (datum '{GridFileReader.Shown(datum)}'); GridMap reads CGCS2000 (EPSG:4490) or WGS 84 longitude/latitude.");
    }
}

using GridMap.Domain.Tiles;
using GridMap.Tiling.Rendering;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using NetTopologySuite.IO.VectorTiles.Tiles.WebMercator;

namespace GridMap.ParserComparison;

/// <summary>
/// <see cref="MvtReader.Read"/> done with NetTopologySuite.IO.VectorTiles.Mapbox: the library decodes a tile into
/// WGS 84 features, which are brought back to tile-extent coordinates for the renderer. The library keeps neither the
/// layer's extent (our layers all use 4096) nor the feature id other than as an attribute.
/// </summary>
internal static class NtsMvtReader
{
    private const int Extent = 4096;
    private const string IdAttribute = "\u0001id";
    private static readonly MapboxTileReader Reader = new();

    public static IReadOnlyList<MvtLayer> Read(byte[] mvt, TileCoordinate tile)
    {
        var vectorTile = Reader.Read(new MemoryStream(mvt, writable: false), new NetTopologySuite.IO.VectorTiles.Tiles.Tile(tile.X, tile.Y, tile.Z), IdAttribute);
        var resolution = WebMercatorHandler.Resolution(tile.Z, Extent);
        var corner = new NetTopologySuite.IO.VectorTiles.Tiles.Tile(tile.X, tile.Y, tile.Z);
        var (left, top) = WebMercatorHandler.FromMetersToPixels(WebMercatorHandler.LatLonToMeters(corner.Top, corner.Left), resolution);
        (int X, int Y) ToTile(Coordinate c)
        {
            // FromMetersToPixels, its successor, gives whole pixels; the inverse of the library's own transform
            // needs the exact value, rounded once at the end.
#pragma warning disable CS0618
            var (x, y) = WebMercatorHandler.MetersToPixels(WebMercatorHandler.LatLonToMeters(c.Y, c.X), resolution);
#pragma warning restore CS0618
            return ((int)Math.Round(x - left), (int)Math.Round(top - y));
        }

        var layers = new List<MvtLayer>(vectorTile.Layers.Count);
        foreach (var layer in vectorTile.Layers)
        {
            var features = new List<MvtFeature>(layer.Features.Count);
            foreach (var feature in layer.Features)
            {
                var attributes = new SortedDictionary<string, object>(StringComparer.Ordinal);
                ulong? id = null;
                foreach (var name in feature.Attributes.GetNames())
                {
                    var value = feature.Attributes[name];
                    if (name == IdAttribute)
                        id = Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                    else
                        attributes[name] = value switch { float f => (double)f, ulong u => (long)u, _ => value };
                }
                var (type, parts) = Parts(feature.Geometry, ToTile);
                features.Add(new MvtFeature(id, type, attributes, parts));
            }
            layers.Add(new MvtLayer(layer.Name, Extent, features));
        }
        return layers;
    }

    private static (MvtGeometryType, List<IReadOnlyList<(int X, int Y)>>) Parts(Geometry? geometry, Func<Coordinate, (int X, int Y)> toTile)
    {
        var parts = new List<IReadOnlyList<(int X, int Y)>>();
        void Add(CoordinateSequence sequence)
        {
            var part = new List<(int X, int Y)>(sequence.Count);
            for (var i = 0; i < sequence.Count; i++)
                part.Add(toTile(sequence.GetCoordinate(i)));
            parts.Add(part);
        }
        var type = MvtGeometryType.Unknown;
        for (var g = 0; geometry is not null && g < geometry.NumGeometries; g++)
        {
            switch (geometry.GetGeometryN(g))
            {
                case Point point:
                    type = MvtGeometryType.Point;
                    Add(point.CoordinateSequence);
                    break;
                case LineString line:
                    type = MvtGeometryType.LineString;
                    Add(line.CoordinateSequence);
                    break;
                case Polygon polygon:
                    type = MvtGeometryType.Polygon;
                    Add(polygon.Shell.CoordinateSequence);
                    foreach (var hole in polygon.Holes)
                        Add(hole.CoordinateSequence);
                    break;
            }
        }
        return (type, parts);
    }
}

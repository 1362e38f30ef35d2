using System.Globalization;
using System.Text;

namespace GridMap.Tiling.Rendering;

public enum MvtGeometryType
{
    Unknown = 0,
    Point = 1,
    LineString = 2,
    Polygon = 3,
}

/// <summary>A decoded feature: its parts are lists of tile-extent coordinates (rings for polygons, y pointing down).</summary>
public sealed record MvtFeature(ulong? Id, MvtGeometryType Type, IReadOnlyDictionary<string, object> Attributes, IReadOnlyList<IReadOnlyList<(int X, int Y)>> Parts);

public sealed record MvtLayer(string Name, int Extent, IReadOnlyList<MvtFeature> Features);

/// <summary>
/// Decodes Mapbox Vector Tiles (spec 2.1): the protobuf messages Tile → Layer → Feature/Value and the
/// MoveTo/LineTo/ClosePath geometry commands. Enough to draw raster tiles and to dump tiles as readable text.
/// Kept in place of NetTopologySuite.IO.VectorTiles.Mapbox, which gives WGS 84 features without the layer's extent
/// and took 4.5 times the CPU per z12 tile (bench/ParserComparison, README "Parsers").
/// </summary>
public static class MvtReader
{
    public static IReadOnlyList<MvtLayer> Read(ReadOnlySpan<byte> tile)
    {
        var layers = new List<MvtLayer>();
        var reader = new ProtoReader(tile);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 3 && wire == 2)
                layers.Add(ReadLayer(reader.Bytes()));
            else
                reader.Skip(wire);
        }
        return layers;
    }

    private static MvtLayer ReadLayer(ReadOnlySpan<byte> data)
    {
        var name = "";
        var extent = 4096;
        var keys = new List<string>();
        var values = new List<object>();
        var rawFeatures = new List<(ulong? Id, List<uint> Tags, MvtGeometryType Type, List<uint> Geometry)>();
        var reader = new ProtoReader(data);
        while (reader.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2: name = Encoding.UTF8.GetString(reader.Bytes()); break;
                case 2 when wire == 2: rawFeatures.Add(ReadFeature(reader.Bytes())); break;
                case 3 when wire == 2: keys.Add(Encoding.UTF8.GetString(reader.Bytes())); break;
                case 4 when wire == 2: values.Add(ReadValue(reader.Bytes())); break;
                case 5 when wire == 0: extent = (int)reader.Varint(); break;
                default: reader.Skip(wire); break;
            }
        }
        var features = rawFeatures.Select(f =>
        {
            var attributes = new SortedDictionary<string, object>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < f.Tags.Count; i += 2)
                attributes[keys[(int)f.Tags[i]]] = values[(int)f.Tags[i + 1]];
            return new MvtFeature(f.Id, f.Type, attributes, DecodeGeometry(f.Geometry));
        }).ToList();
        return new MvtLayer(name, extent, features);
    }

    private static (ulong? Id, List<uint> Tags, MvtGeometryType Type, List<uint> Geometry) ReadFeature(ReadOnlySpan<byte> data)
    {
        ulong? id = null;
        var tags = new List<uint>();
        var geometry = new List<uint>();
        var type = MvtGeometryType.Unknown;
        var reader = new ProtoReader(data);
        while (reader.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 0: id = reader.Varint(); break;
                case 2 when wire == 2: ReadPacked(reader.Bytes(), tags); break;
                case 3 when wire == 0: type = (MvtGeometryType)reader.Varint(); break;
                case 4 when wire == 2: ReadPacked(reader.Bytes(), geometry); break;
                default: reader.Skip(wire); break;
            }
        }
        return (id, tags, type, geometry);
    }

    private static void ReadPacked(ReadOnlySpan<byte> data, List<uint> into)
    {
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
            into.Add((uint)reader.Varint());
    }

    private static object ReadValue(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        object value = "";
        while (reader.Next(out var field, out var wire))
        {
            value = field switch
            {
                1 when wire == 2 => Encoding.UTF8.GetString(reader.Bytes()),
                2 when wire == 5 => (double)BitConverter.Int32BitsToSingle((int)reader.Fixed32()),
                3 when wire == 1 => BitConverter.Int64BitsToDouble((long)reader.Fixed64()),
                4 when wire == 0 => (long)reader.Varint(),
                5 when wire == 0 => (long)reader.Varint(),
                6 when wire == 0 => ZigZag(reader.Varint()),
                7 when wire == 0 => reader.Varint() != 0,
                _ => SkipAndKeep(ref reader, wire, value),
            };
        }
        return value;

        static object SkipAndKeep(ref ProtoReader r, int w, object current)
        {
            r.Skip(w);
            return current;
        }
    }

    private static List<IReadOnlyList<(int X, int Y)>> DecodeGeometry(List<uint> commands)
    {
        var parts = new List<IReadOnlyList<(int X, int Y)>>();
        List<(int X, int Y)>? current = null;
        int x = 0, y = 0, i = 0;
        while (i < commands.Count)
        {
            var command = commands[i] & 0x7;
            var count = (int)(commands[i] >> 3);
            i++;
            switch (command)
            {
                case 1: // MoveTo starts a part per point
                    for (var k = 0; k < count && i + 1 < commands.Count; k++, i += 2)
                    {
                        x += (int)ZigZag(commands[i]);
                        y += (int)ZigZag(commands[i + 1]);
                        current = [(x, y)];
                        parts.Add(current);
                    }
                    break;
                case 2: // LineTo
                    for (var k = 0; k < count && i + 1 < commands.Count; k++, i += 2)
                    {
                        x += (int)ZigZag(commands[i]);
                        y += (int)ZigZag(commands[i + 1]);
                        current?.Add((x, y));
                    }
                    break;
                case 7: // ClosePath
                    if (current is { Count: > 0 })
                        current.Add(current[0]);
                    break;
                default:
                    throw new FormatException($"Unknown MVT geometry command {command}.");
            }
        }
        return parts;
    }

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>
    /// The tile as text for snapshot tests and debugging: layers, then features by id with their attributes, geometry
    /// type, part and vertex counts.
    /// </summary>
    public static string Dump(ReadOnlySpan<byte> tile)
    {
        var text = new StringBuilder();
        foreach (var layer in Read(tile))
        {
            text.Append(CultureInfo.InvariantCulture, $"layer {layer.Name} extent={layer.Extent} features={layer.Features.Count}\n");
            foreach (var feature in layer.Features.OrderBy(f => f.Id))
            {
                var attributes = string.Join(", ", feature.Attributes.Select(a => $"{a.Key}={Convert.ToString(a.Value, CultureInfo.InvariantCulture)}"));
                text.Append(CultureInfo.InvariantCulture,
                    $"  {feature.Id} {feature.Type} parts={feature.Parts.Count} vertices={feature.Parts.Sum(p => p.Count)} {{{attributes}}}\n");
            }
        }
        return text.ToString();
    }

    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly bool AtEnd => position >= data.Length;

        public bool Next(out int field, out int wire)
        {
            if (AtEnd)
            {
                field = wire = 0;
                return false;
            }
            var key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= data.Length)
                    throw new FormatException("Truncated varint in MVT.");
                var b = data[position++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                    return result;
            }
            throw new FormatException("Varint longer than 64 bits in MVT.");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = (int)Varint();
            if (length < 0 || position + length > data.Length)
                throw new FormatException("Truncated length-delimited field in MVT.");
            var slice = data.Slice(position, length);
            position += length;
            return slice;
        }

        public uint Fixed32()
        {
            var value = BitConverter.ToUInt32(data.Slice(position, 4));
            position += 4;
            return value;
        }

        public ulong Fixed64()
        {
            var value = BitConverter.ToUInt64(data.Slice(position, 8));
            position += 8;
            return value;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: position += 8; break;
                case 2: Bytes(); break;
                case 5: position += 4; break;
                default: throw new FormatException($"Unsupported protobuf wire type {wire} in MVT.");
            }
        }
    }
}

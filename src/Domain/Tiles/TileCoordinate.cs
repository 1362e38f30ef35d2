using System.Diagnostics.CodeAnalysis;
using NetTopologySuite.Geometries;

namespace GridMap.Domain.Tiles;

/// <summary>
/// A tile of the Web Mercator (EPSG:3857) XYZ scheme: zoom 0–22, x from the antimeridian eastward, y from the north.
/// </summary>
public readonly record struct TileCoordinate(int Z, int X, int Y)
{
    public const int MaxZoom = 22;

    /// <summary>Half the width of the Web Mercator world in metres (π · 6378137).</summary>
    public const double WorldHalfWidth = 20037508.342789244;

    public static bool TryCreate(int z, long x, long y, out TileCoordinate tile, [NotNullWhen(false)] out string? error)
    {
        tile = default;
        if (z is < 0 or > MaxZoom)
        {
            error = $"Zoom must be from 0 to {MaxZoom}, not {z}.";
            return false;
        }
        var size = 1L << z;
        if (x < 0 || x >= size || y < 0 || y >= size)
        {
            error = $"At zoom {z}, x and y run from 0 to {size - 1}; got x={x}, y={y}.";
            return false;
        }
        tile = new TileCoordinate(z, (int)x, (int)y);
        error = null;
        return true;
    }

    public double SizeMetres => 2 * WorldHalfWidth / (1L << Z);

    /// <summary>The tile's square in EPSG:3857 metres, optionally grown by a buffer given in tile-extent units.</summary>
    public Envelope Envelope3857(double buffer = 0, double extent = 4096)
    {
        var size = SizeMetres;
        var grow = size * buffer / extent;
        var minX = -WorldHalfWidth + X * size;
        var maxY = WorldHalfWidth - Y * size;
        return new Envelope(minX - grow, minX + size + grow, maxY - size - grow, maxY + grow);
    }

    public TileCoordinate? Parent => Z == 0 ? null : new TileCoordinate(Z - 1, X / 2, Y / 2);

    public override string ToString() => $"{Z}/{X}/{Y}";

    /// <summary>The tiles at zoom <paramref name="z"/> whose squares meet an EPSG:3857 envelope.</summary>
    public static IEnumerable<TileCoordinate> Covering(Envelope envelope3857, int z)
    {
        var n = 1 << z;
        var size = 2 * WorldHalfWidth / n;
        int Clamp(double v) => (int)Math.Clamp(Math.Floor(v), 0, n - 1);
        var minX = Clamp((envelope3857.MinX + WorldHalfWidth) / size);
        var maxX = Clamp((envelope3857.MaxX + WorldHalfWidth) / size);
        var minY = Clamp((WorldHalfWidth - envelope3857.MaxY) / size);
        var maxY = Clamp((WorldHalfWidth - envelope3857.MinY) / size);
        for (var x = minX; x <= maxX; x++)
            for (var y = minY; y <= maxY; y++)
                yield return new TileCoordinate(z, x, y);
    }

    /// <summary>Spherical Web Mercator of a lon/lat in degrees.</summary>
    public static Coordinate ToWebMercator(double lon, double lat)
    {
        var clamped = Math.Clamp(lat, -85.05112878, 85.05112878);
        var x = lon * WorldHalfWidth / 180;
        var y = Math.Log(Math.Tan((90 + clamped) * Math.PI / 360)) * WorldHalfWidth / Math.PI;
        return new Coordinate(x, y);
    }
}

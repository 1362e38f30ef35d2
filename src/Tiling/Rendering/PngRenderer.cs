using System.Globalization;
using GridMap.Domain.Tiles;
using SkiaSharp;

namespace GridMap.Tiling.Rendering;

/// <summary>
/// Draws a layer's vector tile as a 256 px (or 512 px @2x) PNG with SkiaSharp, in the <see cref="MapStyle"/> look:
/// grids filled by staffing with outlines and, at high zooms, their codes; admin outlines by level with names.
/// Chinese text needs a CJK font file (Noto Sans CJK from Debian's fonts-noto-cjk by default).
/// </summary>
public sealed class PngRenderer : IDisposable
{
    private readonly SKTypeface typeface;

    public PngRenderer(string fontPath)
    {
        typeface = File.Exists(fontPath)
            ? SKTypeface.FromFile(fontPath) ?? throw new InvalidOperationException($"Cannot load the font {fontPath}.")
            : throw new FileNotFoundException($"The label font {fontPath} is missing (Debian package fonts-noto-cjk; or set Tiling:FontPath).", fontPath);
    }

    public byte[] Render(string layer, TileCoordinate tile, ReadOnlySpan<byte> mvt, int scale)
    {
        var size = 256 * scale;
        using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(layer == "grids" ? SKColor.Parse(MapStyle.Background) : SKColors.Transparent);
        foreach (var mvtLayer in MvtReader.Read(mvt))
        {
            var toPixels = (float)size / mvtLayer.Extent;
            switch (mvtLayer.Name)
            {
                case "grids": DrawGrids(canvas, mvtLayer, tile, toPixels, scale); break;
                case "grid_labels": DrawGridLabels(canvas, mvtLayer, tile, toPixels, scale); break;
                case "admin": DrawAdminOutlines(canvas, mvtLayer, toPixels, scale); break;
                case "admin_labels": DrawAdminLabels(canvas, mvtLayer, toPixels, scale); break;
            }
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    private void DrawGrids(SKCanvas canvas, MvtLayer layer, TileCoordinate tile, float toPixels, int scale)
    {
        using var staffed = new SKPaint { Color = SKColor.Parse(MapStyle.GridStaffedFill), Style = SKPaintStyle.Fill, IsAntialias = true };
        using var vacant = new SKPaint { Color = SKColor.Parse(MapStyle.GridVacantFill), Style = SKPaintStyle.Fill, IsAntialias = true };
        using var outline = new SKPaint
        {
            Color = SKColor.Parse(MapStyle.GridOutline), Style = SKPaintStyle.Stroke, IsAntialias = true,
            StrokeWidth = (tile.Z >= 14 ? 1.0f : 0.6f) * scale,
        };
        foreach (var feature in layer.Features.Where(f => f.Type == MvtGeometryType.Polygon))
        {
            using var path = ToPath(feature, toPixels);
            canvas.DrawPath(path, Equals(feature.Attributes.GetValueOrDefault("status"), "vacant") ? vacant : staffed);
            canvas.DrawPath(path, outline);
        }
    }

    /// <summary>Grid codes at their label points; a point in the tile's buffer draws the part of the text that reaches in.</summary>
    private void DrawGridLabels(SKCanvas canvas, MvtLayer layer, TileCoordinate tile, float toPixels, int scale)
    {
        using var font = new SKFont(typeface, 11f * scale);
        foreach (var feature in layer.Features.Where(f => f.Type == MvtGeometryType.Point && f.Parts.Count > 0 && f.Parts[0].Count > 0))
        {
            if (feature.Attributes.GetValueOrDefault("code") is not string code || code.Length != 15)
                continue;
            var label = tile.Z >= MapStyle.GridFullCodeMinZoom ? code : code[12..];
            var (x, y) = feature.Parts[0][0];
            DrawLabel(canvas, label, x * toPixels, y * toPixels, font, SKColor.Parse(MapStyle.GridLabel), scale);
        }
    }

    private static void DrawAdminOutlines(SKCanvas canvas, MvtLayer layer, float toPixels, int scale)
    {
        // Finer levels first so that coarser borders are drawn over them.
        foreach (var feature in layer.Features.Where(f => f.Type == MvtGeometryType.Polygon).OrderByDescending(Level))
        {
            var (colour, width) = MapStyle.AdminLine(Level(feature));
            using var paint = new SKPaint { Color = SKColor.Parse(colour), Style = SKPaintStyle.Stroke, StrokeWidth = width * scale, IsAntialias = true };
            using var path = ToPath(feature, toPixels);
            canvas.DrawPath(path, paint);
        }
    }

    private void DrawAdminLabels(SKCanvas canvas, MvtLayer layer, float toPixels, int scale)
    {
        foreach (var feature in layer.Features.Where(f => f.Type == MvtGeometryType.Point))
        {
            if (feature.Attributes.GetValueOrDefault("name") is not string name || feature.Parts.Count == 0 || feature.Parts[0].Count == 0)
                continue;
            var level = Level(feature);
            using var font = new SKFont(typeface, MapStyle.AdminLabelSize(level) * scale);
            var (x, y) = feature.Parts[0][0];
            DrawLabel(canvas, name, x * toPixels, y * toPixels, font, SKColor.Parse(MapStyle.AdminLine(level).Colour), scale);
        }
    }

    private static void DrawLabel(SKCanvas canvas, string text, float x, float y, SKFont font, SKColor colour, int scale)
    {
        using var halo = new SKPaint { Color = SKColor.Parse(MapStyle.LabelHalo), Style = SKPaintStyle.Stroke, StrokeWidth = 3f * scale, IsAntialias = true };
        using var fill = new SKPaint { Color = colour, IsAntialias = true };
        var baseline = y + font.Size / 3;
        canvas.DrawText(text, x, baseline, SKTextAlign.Center, font, halo);
        canvas.DrawText(text, x, baseline, SKTextAlign.Center, font, fill);
    }

    private static int Level(MvtFeature feature) =>
        Convert.ToInt32(feature.Attributes.GetValueOrDefault("level") ?? 5, CultureInfo.InvariantCulture);

    private static SKPath ToPath(MvtFeature feature, float toPixels)
    {
        var path = new SKPath { FillType = SKPathFillType.EvenOdd };
        foreach (var ring in feature.Parts)
        {
            if (ring.Count < 2)
                continue;
            path.MoveTo(ring[0].X * toPixels, ring[0].Y * toPixels);
            for (var i = 1; i < ring.Count; i++)
                path.LineTo(ring[i].X * toPixels, ring[i].Y * toPixels);
            path.Close();
        }
        return path;
    }

    public void Dispose() => typeface.Dispose();
}

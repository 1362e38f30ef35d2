using System.ComponentModel.DataAnnotations;

namespace GridMap.Tiling;

/// <summary>Settings of the tiling service (section "Tiling"; every key is described in appsettings.json).</summary>
public sealed class TilingOptions
{
    public const string SectionName = "Tiling";

    /// <summary>Folder of the disk tile cache; one subfolder per dataset version.</summary>
    [Required]
    public string CacheDirectory { get; set; } = "";

    /// <summary>Memory cache budget in megabytes (0 disables the memory tier).</summary>
    [Range(0, 65536)]
    public int MemoryCacheMegabytes { get; set; } = 256;

    /// <summary>Whether rendered tiles are also written to disk (seeding fills it; it survives restarts).</summary>
    public bool DiskCache { get; set; } = true;

    /// <summary>Cache-Control max-age for tiles in seconds; clients revalidate with the ETag afterwards.</summary>
    [Range(0, 31536000)]
    public int MaxAgeSeconds { get; set; } = 300;

    /// <summary>Font file for labels on PNG tiles; it must cover Chinese (Debian fonts-noto-cjk).</summary>
    [Required]
    public string FontPath { get; set; } = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

    /// <summary>Base URL clients reach this service at, for TileJSON and the style (default: taken from each request).</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>A tile drawn slower than this many milliseconds is logged with its layer, zoom, column, row and caller (0: never).</summary>
    [Range(0, 600000)]
    public int SlowTileMilliseconds { get; set; } = 200;

    /// <summary>Allows POST /tiles/cache/clear (benchmarks only; leave off in production).</summary>
    public bool AllowCacheAdmin { get; set; }
}

namespace GridMap.Domain.Tiles;

/// <summary>The formats a tile is served in; PNG variants are drawn from the same layer's vector tile.</summary>
public enum TileFormat
{
    Mvt,
    Png,
    Png2x,
}

public readonly record struct TileKey(string Layer, TileCoordinate Tile, TileFormat Format)
{
    public string Extension => Format switch
    {
        TileFormat.Mvt => "mvt",
        TileFormat.Png => "png",
        _ => "2x.png",
    };

    public string RelativePath => Path.Combine(Layer, Tile.Z.ToString(), Tile.X.ToString(), $"{Tile.Y}.{Extension}");

    public override string ToString() => $"{Layer}/{Tile}.{Extension}";
}

using Microsoft.Extensions.Options;

namespace GridMap.Tiling.Rendering;

/// <summary>One renderer per process, created on the first PNG request (loading the CJK font takes a moment).</summary>
public sealed class PngRendererHolder(IOptions<TilingOptions> options) : IDisposable
{
    private readonly Lazy<PngRenderer> renderer = new(() => new PngRenderer(options.Value.FontPath));

    public PngRenderer Instance => renderer.Value;

    public void Dispose()
    {
        if (renderer.IsValueCreated)
            renderer.Value.Dispose();
    }
}

using SkiaSharp;

namespace SegHeads.Plotting;

/// <summary>A rendered figure: its size and PNG bytes.</summary>
public sealed class RenderedImage
{
    private readonly byte[] png;

    internal RenderedImage(SKSurface surface, int width, int height)
    {
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        png = data.ToArray();
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>A copy of the PNG file's bytes.</summary>
    public byte[] ToPngBytes() => (byte[])png.Clone();

    /// <summary>Writes the PNG file atomically (see <see cref="AtomicFile"/>).</summary>
    /// <param name="path">Destination path; its directory is created if needed.</param>
    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, png);
}

using SkiaSharp;

namespace SegHeads.Plotting.Tests;

/// <summary>Saves renders into a temporary directory and decodes them back with SkiaSharp.</summary>
internal sealed class RenderedPng : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "segheads-plotting-" + Guid.NewGuid().ToString("N"));

    public string PathFor(string name) => Path.Combine(directory, name);

    /// <summary>Decodes a PNG file; fails the test when it is not a decodable PNG.</summary>
    public static SKBitmap Decode(string path)
    {
        using var codec = SKCodec.Create(path);
        codec.Should().NotBeNull($"{path} should be a decodable image");
        codec!.EncodedFormat.Should().Be(SKEncodedImageFormat.Png);
        var bitmap = SKBitmap.Decode(codec);
        bitmap.Should().NotBeNull();
        return bitmap;
    }

    /// <summary>Number of distinct colours, a cheap measure of "something was drawn".</summary>
    public static int DistinctColours(SKBitmap bitmap) => bitmap.Pixels.Distinct().Count();

    /// <summary>Fraction of pixels that are not (near) white.</summary>
    public static double InkFraction(SKBitmap bitmap) =>
        bitmap.Pixels.Count(p => p.Red < 235 || p.Green < 235 || p.Blue < 235) / (double)bitmap.Pixels.Length;

    /// <summary>Number of pixels of exactly <paramref name="colour"/> (alpha ignored).</summary>
    public static int Count(SKBitmap bitmap, Rgba colour) =>
        bitmap.Pixels.Count(p => p.Red == colour.R && p.Green == colour.G && p.Blue == colour.B);

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

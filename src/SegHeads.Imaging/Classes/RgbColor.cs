using System.Globalization;

namespace SegHeads.Imaging.Classes;

/// <summary>An 8-bit RGB colour (a class colour in a mask or an overlay).</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
public readonly record struct RgbColor(byte R, byte G, byte B)
{
    /// <summary>The colour as <c>(R, G, B)</c>.</summary>
    /// <returns>For example <c>(128, 0, 0)</c>.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({R}, {G}, {B})");

    internal int Packed => (R << 16) | (G << 8) | B;
}

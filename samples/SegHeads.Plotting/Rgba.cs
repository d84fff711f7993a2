using System.Globalization;

namespace SegHeads.Plotting;

/// <summary>An 8-bit-per-channel colour with straight (non-premultiplied) alpha.</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
/// <param name="A">Alpha, 0 (transparent) .. 255 (opaque).</param>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>Opaque white.</summary>
    public static Rgba White => new(255, 255, 255);

    /// <summary>Opaque black.</summary>
    public static Rgba Black => new(0, 0, 0);

    /// <summary>Fully transparent black.</summary>
    public static Rgba Transparent => new(0, 0, 0, 0);

    /// <summary>Returns this colour with its alpha replaced by <paramref name="opacity"/> (0..1).</summary>
    /// <param name="opacity">The new opacity; clamped to 0..1.</param>
    public Rgba WithOpacity(double opacity) => this with { A = ToByte(opacity) };

    /// <summary>Parses <c>#rrggbb</c> or <c>#rrggbbaa</c> (the leading <c>#</c> is optional).</summary>
    /// <param name="hex">The hexadecimal colour text.</param>
    public static Rgba FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        string s = hex.TrimStart('#');
        if (s.Length is not (6 or 8))
        {
            throw new FormatException($"Expected #rrggbb or #rrggbbaa, got '{hex}'.");
        }

        byte Channel(int i) => byte.Parse(s.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new Rgba(Channel(0), Channel(1), Channel(2), s.Length == 8 ? Channel(3) : (byte)255);
    }

    /// <summary>Converts a 0..1 intensity to a byte, clamping out-of-range and NaN values.</summary>
    /// <param name="value">The intensity.</param>
    public static byte ToByte(double value) =>
        double.IsNaN(value) ? (byte)0 : (byte)Math.Round(Math.Clamp(value, 0.0, 1.0) * 255.0);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}{A:x2}");
}

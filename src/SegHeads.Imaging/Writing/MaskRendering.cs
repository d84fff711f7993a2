using SegHeads.Imaging.Classes;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Writing;

/// <summary>Renders masks as colour images and as overlays on their images.</summary>
public static class MaskRendering
{
    /// <summary>Default opacity of class colours in <see cref="Overlay"/>.</summary>
    public const double DefaultAlpha = 0.5;

    /// <summary>Colours each pixel with its class colour (ignored pixels in the ignore colour).</summary>
    /// <param name="mask">Mask <c>[H, W]</c>, integer values 0..K−1 or the ignore index.</param>
    /// <param name="classes">Class colours.</param>
    /// <returns>Image <c>[3, H, W]</c> float32 in [0, 1], owned by the caller.</returns>
    /// <exception cref="ArgumentException">The mask holds a value that is neither a class nor the ignore index.</exception>
    public static Tensor Colorize(Tensor mask, ClassMap classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        (byte[] labels, int h, int w) = ImageFiles.MaskBytes(mask);
        float[] rgb = new float[3 * h * w];
        int n = h * w;
        for (int i = 0; i < n; i++)
        {
            RgbColor c = ColorOf(labels[i], classes);
            rgb[i] = c.R / 255f;
            rgb[n + i] = c.G / 255f;
            rgb[(2 * n) + i] = c.B / 255f;
        }

        return tensor(rgb, [3, h, w], float32);
    }

    /// <summary>Blends class colours over an image; ignored pixels show the image unchanged.</summary>
    /// <param name="image">Image <c>[C, H, W]</c>, C = 1 or 3, floating point in [0, 1].</param>
    /// <param name="mask">Mask <c>[H, W]</c> of the same H, W.</param>
    /// <param name="classes">Class colours.</param>
    /// <param name="alpha">Opacity of the class colours in [0, 1].</param>
    /// <returns>Image <c>[3, H, W]</c> float32 in [0, 1], owned by the caller.</returns>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public static Tensor Overlay(Tensor image, Tensor mask, ClassMap classes, double alpha = DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfLessThan(alpha, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alpha, 1);
        if (image.dim() != 3 || image.shape[0] is not (1 or 3) || mask.dim() != 2 || image.shape[1] != mask.shape[0] || image.shape[2] != mask.shape[1])
        {
            throw new ArgumentException($"Expected an image [C, H, W] (C = 1 or 3) and a mask [H, W] of the same size, but got [{string.Join(", ", image.shape)}] and [{string.Join(", ", mask.shape)}].", nameof(mask));
        }

        using var scope = NewDisposeScope();
        Tensor rgb = image.detach().to(float32).cpu().expand(3, -1, -1).clamp(0f, 1f);
        Tensor colors = Colorize(mask, classes);
        Tensor blended = (rgb * (float)(1 - alpha)) + (colors * (float)alpha);
        if (classes.IgnoreIndex is { } ignore)
        {
            Tensor ignored = mask.detach().cpu().eq(ignore).unsqueeze(0);
            blended = where(ignored, rgb, blended);
        }

        return scope.MoveToOuter(blended.contiguous());
    }

    internal static RgbColor ColorOf(int label, ClassMap classes) =>
        label < classes.Count ? classes.Colors[label]
        : label == classes.IgnoreIndex && classes.IgnoreColor is { } ic ? ic
        : throw new ArgumentException($"Mask value {label} is not one of the {classes.Count} classes (0..{classes.Count - 1}) nor the ignore index {(classes.IgnoreIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)")}.");
}

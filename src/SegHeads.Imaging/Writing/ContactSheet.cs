using SegHeads.Imaging.Classes;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Writing;

/// <summary>A grid with one row per sample: the image, then its mask over the image (and optionally a second mask, e.g. the truth).</summary>
public static class ContactSheet
{
    private const int Gap = 2;

    /// <summary>Composes the grid; cells are as large as the largest image, smaller images sit top-left on white.</summary>
    /// <param name="rows">Per row an image <c>[C, H, W]</c> in [0, 1] (C = 1 or 3), a mask <c>[H, W]</c> (e.g. predicted) and an optional second mask (e.g. the truth).</param>
    /// <param name="classes">Class colours.</param>
    /// <param name="alpha">Opacity of the class colours.</param>
    /// <param name="scale">Integer upscaling of the whole sheet (nearest neighbour), so that tiny images stay visible.</param>
    /// <returns>Image <c>[3, H', W']</c> float32 in [0, 1], owned by the caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is empty or a shape does not match.</exception>
    public static Tensor Create(IReadOnlyList<(Tensor Image, Tensor Mask, Tensor? Second)> rows, ClassMap classes, double alpha = MaskRendering.DefaultAlpha, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (rows.Count == 0)
        {
            throw new ArgumentException("A contact sheet needs at least one row.", nameof(rows));
        }

        int cellH = rows.Max(r => (int)r.Image.shape[^2]), cellW = rows.Max(r => (int)r.Image.shape[^1]);
        int columns = rows.Any(r => r.Second is not null) ? 3 : 2;
        using var scope = NewDisposeScope();
        Tensor sheet = ones(3, (rows.Count * (cellH + Gap)) - Gap, (columns * (cellW + Gap)) - Gap, float32);
        for (int r = 0; r < rows.Count; r++)
        {
            (Tensor image, Tensor mask, Tensor? second) = rows[r];
            var cells = new List<Tensor> { image.detach().to(float32).cpu().expand(3, -1, -1).clamp(0f, 1f), MaskRendering.Overlay(image, mask, classes, alpha) };
            if (second is not null)
            {
                cells.Add(MaskRendering.Overlay(image, second, classes, alpha));
            }

            for (int c = 0; c < cells.Count; c++)
            {
                long h = cells[c].shape[1], w = cells[c].shape[2];
                int top = r * (cellH + Gap), left = c * (cellW + Gap);
                sheet[.., top..(int)(top + h), left..(int)(left + w)] = cells[c];
            }
        }

        if (scale > 1)
        {
            sheet = sheet.repeat_interleave(scale, 1).repeat_interleave(scale, 2);
        }

        return scope.MoveToOuter(sheet);
    }

    /// <summary>Composes the grid (see <see cref="Create"/>) and writes it as a PNG or JPEG.</summary>
    /// <param name="path">File to write.</param>
    /// <param name="rows">Per row an image, a mask and an optional second mask.</param>
    /// <param name="classes">Class colours.</param>
    /// <param name="alpha">Opacity of the class colours.</param>
    /// <param name="scale">Integer upscaling of the whole sheet (nearest neighbour).</param>
    public static void Write(string path, IReadOnlyList<(Tensor Image, Tensor Mask, Tensor? Second)> rows, ClassMap classes, double alpha = MaskRendering.DefaultAlpha, int scale = 1)
    {
        using Tensor sheet = Create(rows, classes, alpha, scale);
        ImageFiles.WriteImage(sheet, path);
    }
}

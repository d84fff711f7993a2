using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Data.Augmentation;

/// <summary>
/// Geometry applied identically to an image <c>[C, H, W]</c> and its mask <c>[H, W]</c>: exact
/// index operations (rotation, flip, crop, pad) for both, and for resizing bilinear sampling for
/// the image and nearest sampling for the mask on the same pixel-centre grid.
/// </summary>
internal static class PairedGeometry
{
    public static (Tensor Image, Tensor Mask) Rotate90(Tensor image, Tensor mask, int quarterTurns) =>
        quarterTurns % 4 == 0 ? (image, mask) : (image.rot90(quarterTurns, (1, 2)), mask.rot90(quarterTurns, (0, 1)));

    public static (Tensor Image, Tensor Mask) Flip(Tensor image, Tensor mask, bool horizontal, bool vertical)
    {
        if (horizontal)
        {
            (image, mask) = (image.flip(2), mask.flip(1));
        }

        if (vertical)
        {
            (image, mask) = (image.flip(1), mask.flip(0));
        }

        return (image, mask);
    }

    public static (Tensor Image, Tensor Mask) Resize(Tensor image, Tensor mask, long height, long width)
    {
        long h = image.shape[1];
        long w = image.shape[2];
        if (h == height && w == width)
        {
            return (image, mask);
        }

        // NOTE: antialiasing only when shrinking: it averages like an area filter there, and plain
        // bilinear (PyTorch's default) is what enlarging should use.
        bool shrink = height < h || width < w;
        Tensor resized = nn.functional.interpolate(
            image.unsqueeze(0), [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: shrink).squeeze(0);

        // Nearest on the same pixel-centre grid as bilinear with align_corners = false (PyTorch's
        // "nearest-exact"), done by indexing so that any int64 label survives unchanged.
        using Tensor rows = tensor(NearestIndices(h, height), dtype: ScalarType.Int64);
        using Tensor cols = tensor(NearestIndices(w, width), dtype: ScalarType.Int64);
        Tensor labels = mask.index_select(0, rows).index_select(1, cols);
        return (resized, labels);
    }

    /// <summary>Crops a window of at most (<paramref name="height"/>, <paramref name="width"/>) starting at the given offsets (used where the sample is larger).</summary>
    public static (Tensor Image, Tensor Mask) Crop(Tensor image, Tensor mask, long height, long width, long offsetY, long offsetX)
    {
        long h = image.shape[1];
        long w = image.shape[2];
        if (h > height)
        {
            (image, mask) = (image.narrow(1, offsetY, height), mask.narrow(0, offsetY, height));
        }

        if (w > width)
        {
            (image, mask) = (image.narrow(2, offsetX, width), mask.narrow(1, offsetX, width));
        }

        return (image, mask);
    }

    /// <summary>Pads to (<paramref name="height"/>, <paramref name="width"/>) with 0 in the image and <paramref name="ignoreIndex"/> in the mask, the sample starting at the given offsets.</summary>
    public static (Tensor Image, Tensor Mask) Pad(Tensor image, Tensor mask, long height, long width, long offsetY, long offsetX, long ignoreIndex)
    {
        long h = image.shape[1];
        long w = image.shape[2];
        if (h >= height && w >= width)
        {
            return (image, mask);
        }

        long top = h < height ? offsetY : 0;
        long left = w < width ? offsetX : 0;
        long bottom = Math.Max(0, height - h - top);
        long right = Math.Max(0, width - w - left);
        long[] pad = [left, right, top, bottom];
        Tensor padded = nn.functional.pad(image, pad, PaddingModes.Constant, 0);
        Tensor labels = nn.functional.pad(mask.unsqueeze(0), pad, PaddingModes.Constant, ignoreIndex).squeeze(0);
        return (padded, labels);
    }

    private static long[] NearestIndices(long source, long target)
    {
        var indices = new long[target];
        double step = (double)source / target;
        for (long i = 0; i < target; i++)
        {
            indices[i] = Math.Min(source - 1, (long)Math.Floor((i + 0.5) * step));
        }

        return indices;
    }
}

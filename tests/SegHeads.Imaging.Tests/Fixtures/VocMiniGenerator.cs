using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Writing;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Tests.Fixtures;

/// <summary>
/// Generates the committed fixture <c>Fixtures/voc-mini</c>: a Pascal VOC layout with four tiny labelled
/// samples (palette PNG masks of VOC classes with a 255 border round each object, JPEG images), one image
/// without a mask (as in VOC, where only some images are segmented), and train/val/trainval splits.
/// Deterministic (no random numbers). Regenerate with
/// <c>SEGHEADS_REGENERATE_FIXTURES=1 dotnet test tests/SegHeads.Imaging.Tests --filter VocMini</c>.
/// </summary>
internal static class VocMiniGenerator
{
    /// <summary>(id, height, width, objects as (class, top, left, bottom, right) boxes).</summary>
    public static readonly (string Id, int H, int W, (int Class, int Top, int Left, int Bottom, int Right)[] Objects)[] Samples =
    [
        ("2007_000001", 24, 32, [(15, 4, 6, 18, 16)]),
        ("2007_000002", 32, 32, [(12, 3, 3, 14, 14), (1, 18, 16, 29, 29)]),
        ("2007_000003", 20, 28, [(7, 5, 4, 15, 24)]),
        ("2007_000004", 32, 24, [(20, 2, 2, 12, 12), (15, 16, 8, 30, 22)]),
    ];

    public const string UnlabelledId = "2007_000005";

    public static readonly string[] Train = ["2007_000001", "2007_000002", "2007_000003"];

    public static readonly string[] Val = ["2007_000004"];

    public static void Generate(string root)
    {
        foreach (var (id, h, w, objects) in Samples)
        {
            (Tensor image, Tensor mask) = Render(h, w, objects);
            using (image)
            using (mask)
            {
                ImageFiles.WriteImage(image, Path.Combine(root, "JPEGImages", id + ".jpg"), jpegQuality: 95);
                ImageFiles.WriteMask(mask, Path.Combine(root, "SegmentationClass", id + ".png"), ClassMap.Voc);
            }
        }

        (Tensor extra, Tensor extraMask) = Render(16, 16, [(3, 4, 4, 12, 12)]);
        using (extra)
        using (extraMask)
        {
            ImageFiles.WriteImage(extra, Path.Combine(root, "JPEGImages", UnlabelledId + ".jpg"), jpegQuality: 95);
        }

        string splits = Path.Combine(root, "ImageSets", "Segmentation");
        Directory.CreateDirectory(splits);
        File.WriteAllText(Path.Combine(splits, "train.txt"), string.Concat(Train.Select(i => i + "\n")));
        File.WriteAllText(Path.Combine(splits, "val.txt"), string.Concat(Val.Select(i => i + "\n")));
        File.WriteAllText(Path.Combine(splits, "trainval.txt"), string.Concat(Train.Concat(Val).Select(i => i + "\n")));
    }

    /// <summary>Boxes of one class colour on a gradient; the mask has the class inside and 255 on each box's outline.</summary>
    public static (Tensor Image, Tensor Mask) Render(int h, int w, (int Class, int Top, int Left, int Bottom, int Right)[] objects)
    {
        float[] rgb = new float[3 * h * w];
        long[] labels = new long[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                rgb[(y * w) + x] = 0.2f + (0.3f * x / w);
                rgb[(h * w) + (y * w) + x] = 0.3f + (0.2f * y / h);
                rgb[(2 * h * w) + (y * w) + x] = 0.4f;
            }
        }

        foreach (var (cls, top, left, bottom, right) in objects)
        {
            RgbColor c = ClassMap.VocPalette(cls);
            for (int y = top; y < bottom; y++)
            {
                for (int x = left; x < right; x++)
                {
                    bool outline = y == top || y == bottom - 1 || x == left || x == right - 1;
                    labels[(y * w) + x] = outline ? 255 : cls;
                    rgb[(y * w) + x] = (c.R + 40) / 300f;
                    rgb[(h * w) + (y * w) + x] = (c.G + 40) / 300f;
                    rgb[(2 * h * w) + (y * w) + x] = (c.B + 40) / 300f;
                }
            }
        }

        return (tensor(rgb, [3, h, w]), tensor(labels, [h, w]));
    }

    /// <summary>The fixture folder in the source tree (found from the test binaries by walking up to SegHeads.sln).</summary>
    public static string SourceFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SegHeads.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "SegHeads.Imaging.Tests", "Fixtures", "voc-mini");
            }
        }

        throw new DirectoryNotFoundException($"SegHeads.sln not found above {AppContext.BaseDirectory}.");
    }
}

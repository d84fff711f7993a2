using System.Collections.Concurrent;
using SegHeads.Data;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Decoding;
using SegHeads.Imaging.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Datasets;

/// <summary>
/// A dataset of image and mask files, decoded on demand with SkiaSharp (optionally cached in memory as
/// 8-bit arrays). <see cref="GetSample"/> is safe to call from several threads at once.
/// </summary>
public abstract class FileSegmentationDataset : ISampleDataset
{
    private readonly ConcurrentDictionary<int, DecodedSample>? cache;
    private readonly ImageColorMode colorMode;
    private readonly MaskEncoding maskEncoding;

    private protected FileSegmentationDataset(IReadOnlyList<SampleFiles> files, ClassMap classes, ImageColorMode colorMode, MaskEncoding maskEncoding, bool cacheInMemory, ImageSize? resizeTo)
    {
        Files = files;
        Classes = classes;
        this.colorMode = colorMode;
        this.maskEncoding = maskEncoding;
        ResizeTo = resizeTo;
        cache = cacheInMemory ? new ConcurrentDictionary<int, DecodedSample>() : null;
    }

    /// <summary>The image and mask file of each sample, in sample order.</summary>
    public IReadOnlyList<SampleFiles> Files { get; }

    /// <summary>Class names, colours and ignore index.</summary>
    public ClassMap Classes { get; }

    /// <summary>Size every sample is resized to (image bilinear, mask nearest), or null to keep each file's size.</summary>
    public ImageSize? ResizeTo { get; }

    /// <inheritdoc />
    public int Count => Files.Count;

    /// <inheritdoc />
    public int Channels => colorMode == ImageColorMode.Rgb ? 3 : 1;

    /// <inheritdoc />
    public int NumClasses => Classes.Count;

    /// <inheritdoc />
    public long? IgnoreIndex => Classes.IgnoreIndex;

    /// <summary>Reads one sample (decoding its files, or from the cache).</summary>
    /// <param name="index">Sample index in <c>[0, Count)</c>.</param>
    /// <returns>Image <c>[C, H, W]</c> (float32 in [0, 1]) and mask <c>[H, W]</c> (int64: 0..K−1 or <see cref="IgnoreIndex"/>), owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    /// <exception cref="DatasetException">A file is corrupt, truncated, unsupported, the sizes of image and mask differ, or the mask holds a value that is neither a class nor the ignore index (the message names the file).</exception>
    public (Tensor Image, Tensor Mask) GetSample(int index)
    {
        if (index < 0 || index >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Sample index {index} is outside [0, {Count}).");
        }

        DecodedSample s = cache is null ? Decode(index) : cache.GetOrAdd(index, Decode);
        using var scope = NewDisposeScope();
        // NOTE: owned scalars: loader threads run this while the training thread allocates, and
        // TorchSharp does not keep an implicit scalar alive for the native call (a collection can free it).
        using Scalar full = 255f.ToScalar();
        using Scalar zero = 0f.ToScalar();
        using Scalar one = 1f.ToScalar();
        Tensor image = torch.tensor(s.Pixels, dtype: uint8).reshape(s.Height, s.Width, s.Channels).permute(2, 0, 1).to(float32).div(full).contiguous();
        Tensor mask = torch.tensor(s.Labels, dtype: uint8).reshape(s.Height, s.Width).to(int64);
        if (ResizeTo is { } size && (size.Height != s.Height || size.Width != s.Width))
        {
            long[] hw = [size.Height, size.Width];
            image = nn.functional.interpolate(image.unsqueeze(0), hw, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0).clamp(zero, one).contiguous();
            mask = nn.functional.interpolate(mask.to(float32).unsqueeze(0).unsqueeze(0), hw, mode: InterpolationMode.Nearest).squeeze(0).squeeze(0).to(int64);
        }

        return scope.MoveToOuter(image, mask);
    }

    /// <summary>Reads samples and stacks them; all of them must have the same size (set <see cref="ResizeTo"/>, or crop with an augmentation wrapper, otherwise).</summary>
    /// <param name="indices">Sample indices, each in <c>[0, Count)</c>.</param>
    /// <returns>Images <c>[B, C, H, W]</c> (float32 in [0, 1]) and masks <c>[B, H, W]</c> (int64), owned by the caller.</returns>
    /// <exception cref="ArgumentException">Two samples differ in size (the message names both files and sizes).</exception>
    /// <exception cref="DatasetException">A file is bad (see <see cref="GetSample"/>).</exception>
    public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices)
    {
        if (indices.IsEmpty)
        {
            throw new ArgumentException("A batch needs at least one index.", nameof(indices));
        }

        using var scope = NewDisposeScope();
        var images = new List<Tensor>(indices.Length);
        var masks = new List<Tensor>(indices.Length);
        foreach (long i in indices)
        {
            if (i < 0 || i >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Sample index {i} is outside [0, {Count}).");
            }

            (Tensor image, Tensor mask) = GetSample((int)i);
            if (images.Count > 0 && (image.shape[1] != images[0].shape[1] || image.shape[2] != images[0].shape[2]))
            {
                int first = (int)indices[0];
                throw new ArgumentException(
                    $"Samples in one batch must have one size, but {Files[first].ImagePath} is {images[0].shape[1]}×{images[0].shape[2]} and {Files[(int)i].ImagePath} is {image.shape[1]}×{image.shape[2]} (H×W). " +
                    "Crop or pad them to one size with an augmentation wrapper, or set the dataset option ResizeTo.",
                    nameof(indices));
            }

            images.Add(image);
            masks.Add(mask);
        }

        return scope.MoveToOuter(stack(images), stack(masks));
    }

    /// <summary>Decodes and checks one sample (no cache): sizes agree, mask values are classes or the ignore index.</summary>
    internal DecodedSample Decode(int index)
    {
        SampleFiles f = Files[index];
        (byte[] pixels, int h, int w) = ImageDecoder.DecodeImage(f.ImagePath, colorMode);
        (byte[] labels, int mh, int mw) = ImageDecoder.DecodeMask(f.MaskPath, maskEncoding, Classes);
        if (mh != h || mw != w)
        {
            throw new DatasetException(f.MaskPath, $"the mask is {mh}×{mw} (H×W) but its image {f.ImagePath} is {h}×{w}: a mask must have its image's size.");
        }

        CheckLabels(f.MaskPath, labels, w);
        return new DecodedSample(pixels, labels, h, w, Channels);
    }

    private void CheckLabels(string path, byte[] labels, int width)
    {
        int k = NumClasses, ignore = Classes.IgnoreIndex ?? -1, bad = 0, first = -1;
        var values = new SortedSet<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            int v = labels[i];
            if (v >= k && v != ignore)
            {
                bad++;
                values.Add(v);
                first = first < 0 ? i : first;
            }
        }

        if (bad > 0)
        {
            string ignoreText = Classes.IgnoreIndex is { } ii ? $"nor the ignore index {ii}" : "and no ignore index is set";
            throw new DatasetException(
                path,
                $"{bad} mask pixels hold values [{string.Join(", ", values.Take(10))}{(values.Count > 10 ? ", …" : string.Empty)}] that are not classes 0..{k - 1} {ignoreText} (first at pixel ({first % width}, {first / width})).");
        }
    }
}

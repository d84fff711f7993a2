using static TorchSharp.torch;

namespace SegHeads.Data;

/// <summary>
/// Generated data that a purely linear per-pixel classifier can solve: each image is a Voronoi map of
/// cells, each cell filled with its class's fixed prototype colour (unit-norm, one per class) plus
/// Gaussian noise. The Bayes classifier is nearest-prototype, which is linear in the pixel value.
/// Used by the linear-dynamics experiments.
/// </summary>
public static class ColorBlobs
{
    /// <summary>Generates a dataset.</summary>
    /// <param name="options">Configuration; <see langword="null"/> for the defaults.</param>
    /// <returns>Images <c>[N, C, S, S]</c> and masks <c>[N, S, S]</c>.</returns>
    public static InMemoryDataset Generate(ColorBlobsOptions? options = null)
    {
        options = (options ?? new ColorBlobsOptions()).Validate();
        int s = options.ImageSize;
        int c = options.Channels;
        int n = options.Count;
        var random = new Random(options.Seed);
        float[][] prototypes = Prototypes(options.NumClasses, c, new Random(options.PrototypeSeed));
        var pixels = new float[(long)n * c * s * s];
        var labels = new long[(long)n * s * s];
        for (int i = 0; i < n; i++)
        {
            var centres = new (double X, double Y, int Class)[options.Cells];
            for (int k = 0; k < centres.Length; k++)
            {
                centres[k] = (random.NextDouble() * s, random.NextDouble() * s, random.Next(options.NumClasses));
            }

            for (int y = 0; y < s; y++)
            {
                for (int x = 0; x < s; x++)
                {
                    int cls = centres.MinBy(p => ((p.X - x) * (p.X - x)) + ((p.Y - y) * (p.Y - y))).Class;
                    labels[((long)i * s * s) + (y * s) + x] = cls;
                    for (int ch = 0; ch < c; ch++)
                    {
                        pixels[((long)i * c * s * s) + (ch * s * s) + (y * s) + x] =
                            (float)(prototypes[cls][ch] + (options.Noise * ToyShapes.Gaussian(random)));
                    }
                }
            }
        }

        using Tensor images = tensor(pixels, [n, c, s, s]);
        using Tensor masks = tensor(labels, [n, s, s]);
        return new InMemoryDataset(images, masks, options.NumClasses);
    }

    private static float[][] Prototypes(int classes, int channels, Random random)
    {
        var result = new float[classes][];
        for (int k = 0; k < classes; k++)
        {
            var v = new double[channels];
            for (int ch = 0; ch < channels; ch++)
            {
                v[ch] = ToyShapes.Gaussian(random);
            }

            double norm = Math.Sqrt(v.Sum(a => a * a));
            result[k] = v.Select(a => (float)(a / norm)).ToArray();
        }

        return result;
    }
}

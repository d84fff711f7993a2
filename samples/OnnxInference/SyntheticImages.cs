namespace SegHeads.Samples.OnnxInference;

/// <summary>Toy-shape-like RGB images in [0, 1], planar [3, H, W]: a flat background with a disc and a square.</summary>
internal static class SyntheticImages
{
    public static float[] Create(int seed, int height, int width)
    {
        var random = new Random(seed);
        float[] background = Color(random);
        float[] disc = Color(random);
        float[] square = Color(random);
        double r = Math.Min(height, width) * 0.2;
        (double cx, double cy) = (width * 0.3, height * 0.35);
        (double sx, double sy) = (width * 0.7, height * 0.65);
        var image = new float[3 * height * width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float[] color = (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) <= r * r ? disc
                    : Math.Abs(x + 0.5 - sx) <= r && Math.Abs(y + 0.5 - sy) <= r ? square
                    : background;
                for (int c = 0; c < 3; c++)
                {
                    image[(c * height * width) + (y * width) + x] = color[c];
                }
            }
        }

        return image;
    }

    private static float[] Color(Random random) => [random.NextSingle(), random.NextSingle(), random.NextSingle()];
}

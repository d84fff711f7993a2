using SegHeads.Reparam;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Reparam;

/// <summary>Seeded random kernels and branch sets for the property-style equivalence tests.</summary>
internal static class RandomKernels
{
    /// <summary>The branch shapes the property tests draw from (ACNet / RepVGG / DBB style).</summary>
    public static readonly (int Height, int Width)[] Shapes =
        [(1, 1), (1, 3), (3, 1), (3, 3), (1, 5), (5, 1), (3, 5), (5, 3), (5, 5)];

    /// <summary>A random non-empty subset of <see cref="Shapes"/>, in the pool's order.</summary>
    public static (int Height, int Width)[] Subset(Random rng)
    {
        while (true)
        {
            (int, int)[] pick = Shapes.Where(_ => rng.Next(3) == 0).ToArray();
            if (pick.Length > 0)
            {
                return pick;
            }
        }
    }

    public static ConvKernel Kernel(int outChannels, int inChannels, (int Height, int Width) shape, int paddingHeight, int paddingWidth, ScalarType dtype, Generator generator) =>
        new(randn([outChannels, inChannels, shape.Height, shape.Width], dtype: dtype, generator: generator),
            randn([outChannels], dtype: dtype, generator: generator), paddingHeight, paddingWidth);

    /// <summary>Max absolute difference divided by the reference's scale (at least 1): the float32 yardstick.</summary>
    public static double RelativeDiff(Tensor expected, Tensor actual) =>
        Infrastructure.TensorAssert.MaxAbsDiff(expected, actual) / Math.Max(1.0, Infrastructure.TensorAssert.MaxAbs(expected));
}

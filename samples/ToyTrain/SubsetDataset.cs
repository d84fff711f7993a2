using SegHeads.Data;
using static TorchSharp.torch;

namespace SegHeads.Samples.ToyTrain;

/// <summary>A view of some samples of a dataset (a held-out validation part), in the given order.</summary>
internal sealed class SubsetDataset(ISampleDataset source, IReadOnlyList<int> indices) : ISampleDataset
{
    public int Count => indices.Count;

    public int Channels => source.Channels;

    public int NumClasses => source.NumClasses;

    public long? IgnoreIndex => source.IgnoreIndex;

    public (Tensor Image, Tensor Mask) GetSample(int index) => source.GetSample(indices[index]);

    public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices1)
    {
        long[] mapped = new long[indices1.Length];
        for (int i = 0; i < mapped.Length; i++)
        {
            mapped[i] = indices[(int)indices1[i]];
        }

        return source.GetBatch(mapped);
    }
}

using SegHeads.Data;
using SegHeads.Data.Loading;
using SegHeads.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegHeads.Tests.Data.Loading;

[Collection(NonParallelGroup.Name)]
public sealed class BatchLoaderTests : IDisposable
{
    private readonly InMemoryDataset data = ToyShapes.Generate(new ToyShapesOptions { Count = 10, ImageSize = 8, NumClasses = 3, Seed = 1 });

    public void Dispose() => data.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Next_AnyPrefetch_DeliversTheSamplersBatchesInOrder(int prefetch)
    {
        var sampler = new BatchSampler(10, 3, seed: 4);
        using var loader = new BatchLoader(data, sampler, first: 2, end: 8, prefetch);

        for (long step = 2; step < 8; step++)
        {
            using LoadedBatch batch = loader.Next();
            using Tensor expected = data.Images.index_select(0, tensor(sampler.BatchAt(step)));

            batch.Step.Should().Be(step);
            batch.Epoch.Should().Be(step / 3);
            batch.Indices.Should().Equal(sampler.BatchAt(step));
            batch.Images.equal(expected).all().item<bool>().Should().BeTrue();
        }

        Action past = () => loader.Next();
        past.Should().Throw<InvalidOperationException>().WithMessage("*step 8 is past the end*");
    }

    [Fact]
    public void Dispose_WithoutConsuming_StopsTheWorkerAndDisposesItsBatches()
    {
        var sampler = new BatchSampler(10, 3, seed: 4);
        var loader = new BatchLoader(data, sampler, first: 0, end: 1000, prefetch: 4);
        LoadedBatch first = loader.Next();

        loader.Dispose();

        first.Images.IsInvalid.Should().BeFalse("a batch handed out belongs to the caller");
        first.Dispose();
        Action next = () => loader.Next();
        next.Should().Throw<ObjectDisposedException>();
    }
}

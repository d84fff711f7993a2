using SegHeads.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Data;

public sealed class DataTests
{
    [Fact]
    public void ToyShapes_SameSeed_GivesIdenticalData()
    {
        using InMemoryDataset a = ToyShapes.Generate(new ToyShapesOptions { Count = 4, ImageSize = 24, Seed = 5 });
        using InMemoryDataset b = ToyShapes.Generate(new ToyShapesOptions { Count = 4, ImageSize = 24, Seed = 5 });
        using InMemoryDataset c = ToyShapes.Generate(new ToyShapesOptions { Count = 4, ImageSize = 24, Seed = 6 });

        a.Images.equal(b.Images).all().item<bool>().Should().BeTrue();
        a.Masks.equal(b.Masks).all().item<bool>().Should().BeTrue();
        a.Images.equal(c.Images).all().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void ToyShapes_ManyImages_CoverEveryClass()
    {
        using InMemoryDataset data = ToyShapes.Generate(new ToyShapesOptions { Count = 32, ImageSize = 32, NumClasses = 6 });

        using Tensor counts = bincount(data.Masks.flatten(), minlength: 6);

        data.Images.shape.Should().Equal(32, 3, 32, 32);
        counts.data<long>().ToArray().Should().OnlyContain(c => c > 0);
    }

    [Fact]
    public void ColorBlobs_NearestPrototype_IsMostlyRight()
    {
        using InMemoryDataset data = ColorBlobs.Generate(new ColorBlobsOptions { Count = 8, Noise = 0.05 });

        // With little noise, the per-class mean colour classifies pixels: the data is linearly separable.
        using Tensor pixels = data.Images.permute(0, 2, 3, 1).reshape(-1, 3);
        using Tensor labels = data.Masks.flatten();
        var means = Enumerable.Range(0, 4).Select(k => pixels[labels.eq(k)].mean([0])).ToArray();
        using Tensor distances = stack(means.Select(m => (pixels - m).pow(2).sum(1)).ToArray(), 1);
        double accuracy = distances.argmin(1).eq(labels).to(float64).mean().ToDouble();

        accuracy.Should().BeGreaterThan(0.99);
    }

    [Fact]
    public void BatchSampler_EachEpoch_IsADifferentPermutationOfEverySample()
    {
        var sampler = new BatchSampler(10, 3, seed: 1);

        int[] first = sampler.Permutation(0);
        int[] second = sampler.Permutation(1);

        first.Order().Should().Equal(Enumerable.Range(0, 10));
        second.Order().Should().Equal(Enumerable.Range(0, 10));
        first.Should().NotEqual(second);
        sampler.BatchesPerEpoch.Should().Be(3);
        sampler.BatchAt(4).Should().Equal(second.Skip(3).Take(3).Select(i => (long)i));
    }

    [Fact]
    public void BatchSampler_SameSeed_GivesSameOrder()
    {
        new BatchSampler(50, 5, 9).Permutation(3).Should().Equal(new BatchSampler(50, 5, 9).Permutation(3));
    }

    [Fact]
    public void BatchSampler_BatchLargerThanDataset_ThrowsWithBothSizes()
    {
        Action create = () => _ = new BatchSampler(4, 8, 0);

        create.Should().Throw<ArgumentException>().WithMessage("*batch size 8*4 samples*");
    }

    [Fact]
    public void BatchSampler_EmptyDataset_Throws()
    {
        Action create = () => _ = new BatchSampler(0, 8, 0);

        create.Should().Throw<ArgumentException>().WithMessage("*empty*");
    }

    [Fact]
    public void InMemoryDataset_MismatchedMasks_ThrowsWithShapes()
    {
        using Tensor images = zeros(2, 3, 4, 4);
        using Tensor masks = zeros([2, 4, 3], dtype: ScalarType.Int64);

        Action create = () => _ = new InMemoryDataset(images, masks, 2);

        create.Should().Throw<ArgumentException>().WithMessage("*[2, 4, 4]*[2, 3, 4, 4]*[2, 4, 3]*");
    }

    [Fact]
    public void ColorBlobs_DifferentSampleSeeds_ShareClassColours()
    {
        using InMemoryDataset train = ColorBlobs.Generate(new ColorBlobsOptions { Count = 4, Noise = 0, Seed = 1 });
        using InMemoryDataset validation = ColorBlobs.Generate(new ColorBlobsOptions { Count = 4, Noise = 0, Seed = 2 });

        for (int k = 0; k < 4; k++)
        {
            using Tensor a = train.Images.permute(0, 2, 3, 1).reshape(-1, 3)[train.Masks.flatten().eq(k)];
            using Tensor b = validation.Images.permute(0, 2, 3, 1).reshape(-1, 3)[validation.Masks.flatten().eq(k)];
            if (a.shape[0] > 0 && b.shape[0] > 0)
            {
                a[0].allclose(b[0]).Should().BeTrue($"class {k} has one prototype colour in every split");
            }
        }
    }

    [Fact]
    public void Generate_DatasetBeyondTheMemoryBudget_ThrowsWithTheComputedSize()
    {
        Action shapes = () => ToyShapes.Generate(new ToyShapesOptions { ImageSize = 4096, Count = 100 });
        Action blobs = () => ColorBlobs.Generate(new ColorBlobsOptions { ImageSize = 2048, Count = 1000 });

        shapes.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*100 images of 3x4096x4096*MB*limit*");
        blobs.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1000 images of 3x2048x2048*MB*limit*");
    }
}

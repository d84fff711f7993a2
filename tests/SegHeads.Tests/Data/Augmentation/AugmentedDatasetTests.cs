using SegHeads.Data;
using SegHeads.Data.Augmentation;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Data.Augmentation;

public sealed class AugmentedDatasetTests : IDisposable
{
    private const long Ignore = 255;

    // Everything random switched on, so that determinism is tested across every draw.
    private static readonly AugmentationOptions Everything = new()
    {
        Height = 24,
        Width = 20,
        Seed = 7,
        IgnoreIndex = Ignore,
        MinScale = 0.6,
        MaxScale = 1.6,
        MinAspectRatio = 0.75,
        MaxAspectRatio = 1.33,
        HorizontalFlip = 0.5,
        VerticalFlip = 0.5,
        Rotate90 = true,
        Brightness = 0.3,
        Contrast = 0.3,
        Saturation = 0.3,
        Hue = 0.1,
        Mean = AugmentationOptions.ImageNetMean,
        Std = AugmentationOptions.ImageNetStd,
    };

    private readonly InMemoryDataset shapes = ToyShapes.Generate(new ToyShapesOptions { Count = 8, ImageSize = 32, NumClasses = 5, Seed = 2 });

    public void Dispose() => shapes.Dispose();

    [Fact]
    public void GetBatch_SameSeedEpochAndSample_GivesIdenticalTensorsInAnyOrder()
    {
        var first = new AugmentedDataset(shapes, Everything);
        var second = new AugmentedDataset(shapes, Everything);

        var (a, am) = first.GetBatch([3, 5], epoch: 4);
        var (b, bm) = second.GetBatch([5, 3], epoch: 4);
        var (single, singleMask) = first.GetSample(3, epoch: 4);
        using (a)
        using (am)
        using (b)
        using (bm)
        using (single)
        using (singleMask)
        {
            a.shape.Should().Equal(2, 3, 24, 20);
            am.shape.Should().Equal(2, 24, 20);
            a[0].equal(b[1]).all().item<bool>().Should().BeTrue("sample 3 in epoch 4 depends on (seed, epoch, index) only, not on its batch position");
            a[1].equal(b[0]).all().item<bool>().Should().BeTrue();
            am[0].equal(bm[1]).all().item<bool>().Should().BeTrue();
            a[0].equal(single).all().item<bool>().Should().BeTrue();
            am[0].equal(singleMask).all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void GetBatch_OtherEpochOrSeed_GivesOtherTensors()
    {
        var data = new AugmentedDataset(shapes, Everything);
        var reseeded = new AugmentedDataset(shapes, Everything with { Seed = 8 });
        long[] all = [0, 1, 2, 3, 4, 5, 6, 7];

        var (e0, m0) = data.GetBatch(all, epoch: 0);
        var (e1, m1) = data.GetBatch(all, epoch: 1);
        var (s0, _) = reseeded.GetBatch(all, epoch: 0);
        using (e0)
        using (m0)
        using (e1)
        using (m1)
        using (s0)
        {
            e0.equal(e1).all().item<bool>().Should().BeFalse();
            m0.equal(m1).all().item<bool>().Should().BeFalse();
            e0.equal(s0).all().item<bool>().Should().BeFalse();
        }
    }

    [Theory]
    [InlineData(24, 20)] // source 32: crops
    [InlineData(40, 36)] // pads
    [InlineData(24, 40)] // crops one axis, pads the other
    public void GetBatch_PureGeometry_KeepsImageAndMaskAligned(int height, int width)
    {
        // The image is a function of the mask (value k / 10 in every channel); exact geometry
        // (rotation, flips, crop, pad) must keep it so, pixel for pixel.
        using InMemoryDataset coded = Coded(shapes);
        var options = new AugmentationOptions
        {
            Height = height, Width = width, IgnoreIndex = Ignore, ScaleReference = ScaleReference.Source,
            HorizontalFlip = 0.5, VerticalFlip = 0.5, Rotate90 = true,
        };
        var data = new AugmentedDataset(coded, options);

        for (long epoch = 0; epoch < 3; epoch++)
        {
            using var scope = NewDisposeScope();
            var (images, masks) = data.GetBatch([0, 1, 2, 3, 4, 5, 6, 7], epoch);
            Tensor labelled = masks.ne(Ignore);
            Tensor decoded = (images * 10).round().to(ScalarType.Int64);

            decoded[.., 0].masked_select(labelled).equal(masks.masked_select(labelled)).all().item<bool>().Should().BeTrue();
            (decoded - decoded[.., ..1]).abs().max().item<long>().Should().Be(0, "every channel got the same geometry");
        }
    }

    [Fact]
    public void GetBatch_Rescaled_MaskKeepsOnlySourceValuesAndFollowsTheImage()
    {
        using InMemoryDataset coded = Coded(shapes);
        var options = Everything with { Brightness = 0, Contrast = 0, Saturation = 0, Hue = 0, Mean = null, Std = null, MinScale = 0.45, MaxScale = 2.3 };
        var data = new AugmentedDataset(coded, options);
        long[] sourceValues = unique(shapes.Masks).Item1.data<long>().ToArray();

        using var scope = NewDisposeScope();
        var (images, masks) = data.GetBatch([0, 1, 2, 3, 4, 5, 6, 7], epoch: 3);
        long[] values = unique(masks).Item1.data<long>().ToArray();

        values.Should().BeSubsetOf([.. sourceValues, Ignore], "nearest sampling invents no label");
        values.Should().Contain(Ignore, "scales below 1 pad");

        // Bilinear mixes labels only along edges: most labelled pixels still decode to their label.
        Tensor labelled = masks.ne(Ignore);
        Tensor decoded = (images[.., 0] * 10).round().to(ScalarType.Int64);
        double agreement = decoded.eq(masks).logical_and(labelled).sum().item<long>() / (double)labelled.sum().item<long>();
        agreement.Should().BeGreaterThan(0.8);
    }

    [Fact]
    public void GetBatch_ScaleBelowOne_PadsMaskWithIgnoreAndImageWithZero()
    {
        var options = new AugmentationOptions { Height = 32, Width = 32, IgnoreIndex = Ignore, MinScale = 0.5, MaxScale = 0.5, HorizontalFlip = 0 };
        var data = new AugmentedDataset(shapes, options);

        using var scope = NewDisposeScope();
        var (images, masks) = data.GetBatch([0, 1], epoch: 0);
        Tensor padded = masks.eq(Ignore);

        padded.sum().item<long>().Should().Be(2 * ((32 * 32) - (16 * 16)));
        images.masked_select(padded.unsqueeze(1).expand_as(images)).abs().max().item<float>().Should().Be(0);
        masks.masked_select(padded.logical_not()).lt(5).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void EvaluationPath_NormalisesExactlyAndIsDeterministic()
    {
        double[] mean = [0.5, 0.25, 0.125];
        double[] std = [0.5, 2, 4];
        var data = new AugmentedDataset(shapes, new AugmentationOptions { Height = 32, Width = 32, IgnoreIndex = Ignore, Mean = mean, Std = std, Brightness = 0.5 });

        using var scope = NewDisposeScope();
        var (images, masks) = data.GetBatch([2, 6]);
        var (again, _) = data.GetBatch([2, 6]);
        Tensor source = shapes.Images.index_select(0, tensor(new long[] { 2, 6 }));
        Tensor expected = (source - tensor(mean).reshape(1, 3, 1, 1)) / tensor(std).reshape(1, 3, 1, 1);

        TensorAssert.MaxAbsDiff(images, expected).Should().BeLessThan(1e-6);
        masks.equal(shapes.Masks.index_select(0, tensor(new long[] { 2, 6 }))).all().item<bool>().Should().BeTrue();
        images.equal(again).all().item<bool>().Should().BeTrue("the evaluation path has no random operation");
    }

    [Fact]
    public void EvaluationPath_CenterCropOrPad_TakesTheCentreAndPadsAround()
    {
        var crop = new AugmentedDataset(shapes, new AugmentationOptions { Height = 20, Width = 36, IgnoreIndex = Ignore, EvaluationGeometry = EvaluationGeometry.CenterCropOrPad });

        using var scope = NewDisposeScope();
        var (images, masks) = crop.GetBatch([1]);

        images.shape.Should().Equal(1, 3, 20, 36);
        images[0, .., .., 2..34].equal(shapes.Images[1, .., 6..26, ..]).all().item<bool>().Should().BeTrue();
        masks[0, .., 2..34].equal(shapes.Masks[1, 6..26, ..]).all().item<bool>().Should().BeTrue();
        masks[0, .., ..2].eq(Ignore).all().item<bool>().Should().BeTrue();
        masks[0, .., 34..].eq(Ignore).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void EvaluationPath_Resize_MatchesNearestExactForMasks()
    {
        var data = new AugmentedDataset(shapes, new AugmentationOptions { Height = 21, Width = 45, IgnoreIndex = Ignore });

        using var scope = NewDisposeScope();
        var (images, masks) = data.GetBatch([0, 3]);
        Tensor source = shapes.Masks.index_select(0, tensor(new long[] { 0, 3 })).unsqueeze(1).to(ScalarType.Float32);
        Tensor reference = nn.functional.interpolate(source, [21, 45], mode: InterpolationMode.NearestExact).squeeze(1).to(ScalarType.Int64);

        masks.equal(reference).all().item<bool>().Should().BeTrue();
        images.shape.Should().Equal(2, 3, 21, 45);
    }

    [Fact]
    public void ColourJitter_ChangesTheImageOnly()
    {
        var options = new AugmentationOptions { Height = 32, Width = 32, IgnoreIndex = Ignore, HorizontalFlip = 0, Brightness = 0.4, Contrast = 0.4, Saturation = 0.4, Hue = 0.2 };
        var data = new AugmentedDataset(shapes, options);

        using var scope = NewDisposeScope();
        var (images, masks) = data.GetBatch([0, 1, 2, 3], epoch: 0);

        masks.equal(shapes.Masks[..4]).all().item<bool>().Should().BeTrue();
        images.equal(shapes.Images[..4]).all().item<bool>().Should().BeFalse();
        images.min().item<float>().Should().BeGreaterThanOrEqualTo(0);
        images.max().item<float>().Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void HueAndSaturation_KeepGreyPixelsGrey()
    {
        Tensor grey = linspace(0, 1, 16 * 16).reshape(1, 1, 16, 16).expand(2, 3, 16, 16);
        using var data0 = new InMemoryDataset(grey, zeros([2, 16, 16], dtype: ScalarType.Int64), 2) { IgnoreIndex = Ignore };
        var data = new AugmentedDataset(data0, new AugmentationOptions { Height = 16, Width = 16, HorizontalFlip = 0, Saturation = 0.9, Hue = 0.5 });

        using var scope = NewDisposeScope();
        var (images, _) = data.GetBatch([0, 1], epoch: 5);

        TensorAssert.MaxAbsDiff(images, grey).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Constructor_NoIgnoreIndexAnywhere_ThrowsNamingTheOption()
    {
        Action create = () => _ = new AugmentedDataset(shapes, new AugmentationOptions { Height = 8, Width = 8 });

        create.Should().Throw<ArgumentException>().WithMessage("*AugmentationOptions.IgnoreIndex*dataset's IgnoreIndex*");
    }

    [Fact]
    public void Constructor_IgnoreIndexFromDataset_IsUsed()
    {
        using var labelled = new InMemoryDataset(shapes.Images, shapes.Masks, 5) { IgnoreIndex = 250 };

        new AugmentedDataset(labelled, new AugmentationOptions { Height = 8, Width = 8 }).IgnoreIndex.Should().Be(250);
    }

    [Theory]
    [InlineData(3L, "*outside the classes [0, 5)*3*")]
    [InlineData(-100L, null)]
    public void Constructor_IgnoreIndexInsideTheClasses_Throws(long ignore, string? message)
    {
        Action create = () => _ = new AugmentedDataset(shapes, new AugmentationOptions { Height = 8, Width = 8, IgnoreIndex = ignore });

        if (message is null)
        {
            create.Should().NotThrow();
        }
        else
        {
            create.Should().Throw<ArgumentException>().WithMessage(message);
        }
    }

    [Fact]
    public void Constructor_IgnoreIndexDisagreesWithDataset_ThrowsWithBoth()
    {
        using var labelled = new InMemoryDataset(shapes.Images, shapes.Masks, 5) { IgnoreIndex = 255 };

        Action create = () => _ = new AugmentedDataset(labelled, new AugmentationOptions { Height = 8, Width = 8, IgnoreIndex = -100 });

        create.Should().Throw<ArgumentException>().WithMessage("*-100*255*");
    }

    [Fact]
    public void Constructor_MeanOfWrongLength_ThrowsWithBothCounts()
    {
        Action create = () => _ = new AugmentedDataset(shapes, new AugmentationOptions { Height = 8, Width = 8, IgnoreIndex = Ignore, Mean = [0.5], Std = [0.5] });

        create.Should().Throw<ArgumentException>().WithMessage("*per image channel (3), but have 1*");
    }

    [Fact]
    public void Constructor_SaturationOnOneChannel_ThrowsNamingTheChannels()
    {
        using var mono = new InMemoryDataset(zeros(2, 1, 8, 8), zeros([2, 8, 8], dtype: ScalarType.Int64), 2) { IgnoreIndex = Ignore };

        Action create = () => _ = new AugmentedDataset(mono, new AugmentationOptions { Height = 8, Width = 8, Saturation = 0.2 });

        create.Should().Throw<ArgumentException>().WithMessage("*3-channel*1 channels*");
    }

    [Fact]
    public void GetSample_IndexOutOfRange_ThrowsWithTheRange()
    {
        var data = new AugmentedDataset(shapes, Everything);

        Action read = () => data.GetSample(8, epoch: 0);

        read.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*8*[0, 8)*");
    }

    private static InMemoryDataset Coded(InMemoryDataset source)
    {
        using var scope = NewDisposeScope();
        Tensor images = (source.Masks.to(ScalarType.Float32) / 10).unsqueeze(1).expand(-1, 3, -1, -1);
        return new InMemoryDataset(images, source.Masks, source.NumClasses) { IgnoreIndex = Ignore };
    }
}

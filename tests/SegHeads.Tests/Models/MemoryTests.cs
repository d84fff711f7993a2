using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Models;

[Collection(NonParallelGroup.Name)]
public sealed class MemoryTests
{
    [Theory]
    [InlineData("stacked-linear:3-3-1@8+bn")]
    [InlineData("activated:3-3-1@8+bn+pad-once")]
    public void ForwardBackward_InsideScope_LeavesNoLiveTensors(string spec)
    {
        using SegmentationModel model = SegmentationModel.Create(spec, 3, new() { Depth = 2, BaseWidth = 4 });
        model.train();
        RunStep(model); // the first step allocates gradients, which live with the parameters
        DisposeScopeManager.Statistics.Reset();

        for (int i = 0; i < 5; i++)
        {
            RunStep(model);
        }

        ThreadDisposeScopeStatistics stats = DisposeScopeManager.Statistics;
        stats.ThreadTotalLiveCount.Should().Be(0, "every tensor made inside the step's scope is disposed with it");
        stats.CreatedInScopeCount.Should().BeGreaterThan(0, "the step does create tensors");
    }

    private static void RunStep(SegmentationModel model)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        Tensor x = randn(2, 3, 8, 8);
        Tensor target = randint(0, 3, [2, 8, 8], dtype: ScalarType.Int64);
        Tensor loss = nn.functional.cross_entropy(model.forward(x), target);
        loss.backward();
    }
}

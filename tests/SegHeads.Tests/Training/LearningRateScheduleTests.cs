using SegHeads.Training;

namespace SegHeads.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void At_Warmup_RisesLinearlyToBaseRate()
    {
        var options = new TrainerOptions { LearningRate = 0.1, WarmupSteps = 4 };

        Enumerable.Range(0, 5).Select(s => LearningRateSchedule.At(options, s, 100))
            .Should().Equal([0.025, 0.05, 0.075, 0.1, 0.1], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void At_StepSchedule_DecaysEveryStepSize()
    {
        var options = new TrainerOptions { LearningRate = 1, Schedule = ScheduleKind.Step, StepSize = 10, StepGamma = 0.5 };

        LearningRateSchedule.At(options, 9, 100).Should().Be(1);
        LearningRateSchedule.At(options, 10, 100).Should().Be(0.5);
        LearningRateSchedule.At(options, 25, 100).Should().Be(0.25);
    }

    [Fact]
    public void At_Cosine_GoesFromBaseToMinimum()
    {
        var options = new TrainerOptions { LearningRate = 1, Schedule = ScheduleKind.Cosine, MinLearningRate = 0.1, WarmupSteps = 10 };

        LearningRateSchedule.At(options, 10, 110).Should().BeApproximately(1, 1e-12);
        LearningRateSchedule.At(options, 60, 110).Should().BeApproximately(0.55, 1e-12);
        LearningRateSchedule.At(options, 110, 110).Should().BeApproximately(0.1, 1e-12);
    }

    [Theory]
    [InlineData(nameof(TrainerOptions.LearningRate))]
    [InlineData(nameof(TrainerOptions.BatchSize))]
    [InlineData(nameof(TrainerOptions.Momentum))]
    public void Validate_BadValue_ThrowsNamingIt(string name)
    {
        TrainerOptions options = name switch
        {
            nameof(TrainerOptions.LearningRate) => new TrainerOptions { LearningRate = double.NaN },
            nameof(TrainerOptions.BatchSize) => new TrainerOptions { BatchSize = 0 },
            _ => new TrainerOptions { Momentum = 1.5 },
        };

        Action validate = () => options.Validate();

        validate.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }
}

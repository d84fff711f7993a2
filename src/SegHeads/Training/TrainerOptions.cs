using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>Configuration of a <see cref="Trainer"/>. Every default is documented; call <see cref="Validate"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Optimizer. Default <see cref="OptimizerKind.Adam"/>. Not used when <see cref="OptimizerFactory"/> is set.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>
    /// Makes the optimizer instead of <see cref="Optimizer"/>: called once with the model's
    /// parameters (already on <see cref="Device"/>) and <see cref="LearningRate"/>, e.g.
    /// <c>(parameters, lr) =&gt; new OwnedScalarOptimizers.SGD(parameters, lr, momentum: 0.9, nesterov: true)</c>
    /// (see <see cref="Optimizers.OwnedScalarOptimizers"/> for why not TorchSharp's <c>torch.optim.SGD</c>).
    /// The schedule still sets the learning rate of every parameter group before each step;
    /// <see cref="Momentum"/> and <see cref="WeightDecay"/> are not used. Checkpoints record the
    /// optimizer as <see cref="OptimizerKind.Custom"/> with its type name, and resume restores its
    /// state when the factory makes the same type. Default none.
    /// </summary>
    public Func<IEnumerable<Parameter>, double, OptimizerHelper>? OptimizerFactory { get; init; }

    /// <summary>Base learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD momentum. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (L2 for SGD/Adam, decoupled for AdamW). Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Schedule after warm-up. Default <see cref="ScheduleKind.Constant"/>.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Linear warm-up steps; at most the run's total steps. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Step schedule: steps between decays. Default 1000.</summary>
    public int StepSize { get; init; } = 1000;

    /// <summary>Step schedule: decay factor. Default 0.1.</summary>
    public double StepGamma { get; init; } = 0.1;

    /// <summary>Cosine schedule: final rate. Default 0.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>Clip the global gradient norm to this value; <see langword="null"/> for no clipping. Default none.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Samples per batch. Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Steps to train; when <see langword="null"/>, <see cref="Epochs"/> decides. Default none.</summary>
    public long? Steps { get; init; }

    /// <summary>Epochs to train when <see cref="Steps"/> is not set. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Evaluate every this many steps (and after the last); 0 for only after the last. Default 100.</summary>
    public int EvaluateEvery { get; init; } = 100;

    /// <summary>Seed of the data order. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Training batches read ahead on a background thread while the model trains, so that a step
    /// does not wait for loading and augmentation; 0 reads each batch on the training thread when
    /// needed. The batches are the same either way (they depend on the seed, the epoch and the
    /// samples only), so results are bit-identical. The dataset is read by one thread at a time
    /// (the loader pauses during evaluation), so it need not be thread-safe, but it must not draw
    /// from torch's global random generator. Default 0: on a 2-core CPU with in-memory data the
    /// loader thread's tensor work competes with libtorch's intra-op threads and made the reference
    /// training step 1.6× slower (52 → 84 ms); turn it on (e.g. 2) when batches are decoded from files.
    /// </summary>
    public int PrefetchBatches { get; init; }

    /// <summary>Device to train on; the model is moved there before the optimizer is made. Default CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>
    /// The number format of the training steps. Default <see cref="Precision.Float32"/>. With
    /// <see cref="Precision.BFloat16Mixed"/> the model's parameters and the optimizer state stay
    /// float32 (checkpoints hold float32, so a run resumes in either precision); the model must be float32.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>
    /// The number format of evaluation (metrics during <see cref="Trainer.Fit"/> and <see cref="Trainer.Evaluate"/>).
    /// Default <see cref="Precision.Float32"/>, so reported metrics do not depend on <see cref="Precision"/>.
    /// </summary>
    public Precision EvaluationPrecision { get; init; } = Precision.Float32;

    /// <summary>Where to keep the checkpoint, or <see langword="null"/> for none. Default none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Write the checkpoint every this many steps (and at the end); 0 for only at the end. Default 0.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>
    /// The loss; its <see cref="ISegmentationLoss.IgnoreIndex"/> also decides which pixels the
    /// evaluation metrics skip. Default <see cref="PixelCrossEntropy"/> with its default options.
    /// </summary>
    public ISegmentationLoss Loss { get; init; } = new PixelCrossEntropy();

    /// <summary>The optimizer kind in effect: <see cref="OptimizerKind.Custom"/> when <see cref="OptimizerFactory"/> is set.</summary>
    public OptimizerKind EffectiveOptimizer => OptimizerFactory is null ? Optimizer : OptimizerKind.Custom;

    /// <summary>The steps a run takes on a dataset of <paramref name="batchesPerEpoch"/> batches per epoch.</summary>
    public long TotalSteps(int batchesPerEpoch) => Steps ?? ((long)Epochs * batchesPerEpoch);

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public TrainerOptions Validate()
    {
        Require(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate, "finite and positive");
        Require(Momentum is >= 0 and < 1, nameof(Momentum), Momentum, "in [0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "finite and non-negative");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "non-negative");
        Require(StepSize > 0, nameof(StepSize), StepSize, "positive");
        Require(StepGamma > 0 && StepGamma <= 1, nameof(StepGamma), StepGamma, "in (0, 1]");
        Require(MinLearningRate >= 0 && MinLearningRate <= LearningRate, nameof(MinLearningRate), MinLearningRate, "in [0, LearningRate]");
        Require(GradientClipNorm is null or > 0, nameof(GradientClipNorm), GradientClipNorm, "positive");
        Require(BatchSize > 0, nameof(BatchSize), BatchSize, "positive");
        Require(Steps is null or > 0, nameof(Steps), Steps, "positive");
        if (Steps is long steps && WarmupSteps > steps)
        {
            throw new ArgumentOutOfRangeException(
                nameof(WarmupSteps), WarmupSteps, $"WarmupSteps ({WarmupSteps}) must not exceed Steps ({steps}): the learning rate would never reach {LearningRate}.");
        }

        Require(Epochs > 0, nameof(Epochs), Epochs, "positive");
        Require(PrefetchBatches >= 0, nameof(PrefetchBatches), PrefetchBatches, "non-negative (0 reads batches on the training thread)");
        Require(EvaluateEvery >= 0, nameof(EvaluateEvery), EvaluateEvery, "non-negative");
        Require(CheckpointEvery >= 0, nameof(CheckpointEvery), CheckpointEvery, "non-negative");
        Require(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "a defined OptimizerKind");
        Require(Enum.IsDefined(Schedule), nameof(Schedule), Schedule, "a defined ScheduleKind");
        Require(Enum.IsDefined(Precision), nameof(Precision), Precision, "a defined Precision");
        Require(Enum.IsDefined(EvaluationPrecision), nameof(EvaluationPrecision), EvaluationPrecision, "a defined Precision");
        if (Optimizer == OptimizerKind.Custom && OptimizerFactory is null)
        {
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Optimizer Custom needs an OptimizerFactory, but none was set; set OptimizerFactory (which implies Custom) or choose Sgd, Adam or AdamW.");
        }

        if (Loss is null)
        {
            throw new ArgumentNullException(nameof(Loss), "Loss must be an ISegmentationLoss (default PixelCrossEntropy), but was null.");
        }

        return this;
    }

    private static void Require(bool ok, string name, object? value, string what)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {what}, but was {value}.");
        }
    }
}

using System.Diagnostics;
using SegHeads.Data;
using SegHeads.Data.Loading;
using SegHeads.Metrics;
using SegHeads.Models;
using SegHeads.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Trains a <see cref="SegmentationModel"/> with a pluggable <see cref="ISegmentationLoss"/>
/// (per-pixel cross-entropy by default): one dispose scope per step, evaluation in eval mode under
/// <c>no_grad</c>, progress through <see cref="IProgress{T}"/> (never the console), optional atomic
/// checkpoints. Same seed, device and thread count give the same losses; a resumed run continues
/// the same trajectory.
/// </summary>
/// <remarks>
/// A trainer runs one run: <see cref="Fit"/> trains until the options' total steps are done and can
/// be called again only to continue a run that was cancelled. To train further, make a new trainer
/// whose options have more steps and <see cref="LoadCheckpoint"/> the finished run.
/// </remarks>
public sealed class Trainer : IDisposable
{
    private readonly OptimizerHelper optimizer;
    private readonly Device device;

    // The bfloat16 compute copy when a precision option asks for it (see MixedPrecisionModel).
    private readonly MixedPrecisionModel? mixed;

    // The training-set size of this run's data order (from an earlier Fit or the loaded
    // checkpoint), null while unknown: batches are drawn from (seed, dataset size, batch size).
    private int? datasetSize;

    /// <summary>Moves <paramref name="model"/> to the options' device, then creates the optimizer over its parameters.</summary>
    /// <param name="model">The model to train (not owned).</param>
    /// <param name="options">Configuration; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException"><see cref="TrainerOptions.OptimizerFactory"/> returned <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A precision option is <see cref="Precision.BFloat16Mixed"/> but the model is not float32.</exception>
    public Trainer(SegmentationModel model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = (options ?? new TrainerOptions()).Validate();
        Model = model;
        device = Options.Device ?? CPU;

        // NOTE: to() replaces parameter objects, so the optimizer must be made afterwards.
        model.to(device);
        if (Options.Precision == Precision.BFloat16Mixed || Options.EvaluationPrecision == Precision.BFloat16Mixed)
        {
            string option = Options.Precision == Precision.BFloat16Mixed ? "Precision" : "EvaluationPrecision";
            mixed = MixedPrecisionModel.Create(model, $"TrainerOptions.{option}");
        }

        try
        {
            optimizer = CreateOptimizer(model, Options);
        }
        catch
        {
            mixed?.Dispose();
            throw;
        }
    }

    /// <summary>The model.</summary>
    public SegmentationModel Model { get; }

    /// <summary>The configuration.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Raised on the training thread after each evaluation during <see cref="Fit"/>, with the model
    /// back in training mode: the hook for recorders such as <c>Dynamics.EndToEndRecorder</c>.
    /// </summary>
    public event EventHandler<EvaluatedEventArgs>? Evaluated;

    /// <summary>Steps done so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Step { get; private set; }

    /// <summary>The optimizer (for tests of checkpoint state).</summary>
    internal OptimizerHelper Optimizer => optimizer;

    /// <summary>
    /// Trains until the configured number of steps is done (continuing from <see cref="Step"/>),
    /// evaluating on <paramref name="validation"/> (or the training set) every
    /// <see cref="TrainerOptions.EvaluateEvery"/> steps and after the last. Everything that can be
    /// checked before the first step is: data shapes and classes, the labels of in-memory datasets
    /// (<see cref="InMemoryDataset"/>), the warm-up against the total steps, the data order of a
    /// resumed run, and that the checkpoint path can be written. Training batches are read ahead on
    /// a background thread (<see cref="TrainerOptions.PrefetchBatches"/>); an <see cref="IEpochDataset"/>
    /// is asked for each step's batch as seen in epoch <c>step / batchesPerEpoch</c>. Each
    /// <see cref="StepRecord"/> says how long its step waited for data.
    /// </summary>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Evaluation data, or <see langword="null"/> to evaluate on <paramref name="train"/>.</param>
    /// <param name="progress">Receives a report after every step, on the training thread if it is a <see cref="SynchronousProgress{T}"/>.</param>
    /// <param name="cancellationToken">Stops the run after the current step; the history says so and a checkpoint is written if configured.</param>
    /// <returns>The run's history.</returns>
    /// <exception cref="ArgumentException">The data is empty, smaller than one batch, does not fit the model, has an out-of-range label (the message names the set and sample), or differs in size from the run being resumed.</exception>
    /// <exception cref="InvalidOperationException">The run is already complete (<see cref="Step"/> has reached the total), or the warm-up is longer than the run.</exception>
    /// <exception cref="CheckpointException">The checkpoint path is unusable (before the first step), or a save failed; <see cref="CheckpointException.History"/> then holds the run so far and the last good checkpoint is intact.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the last checkpoint is left intact.</exception>
    /// <remarks>An exception thrown while reading a batch (on the loader's thread too) surfaces here unchanged, after the steps before it.</remarks>
    public TrainingHistory Fit(ISegmentationDataset train, ISegmentationDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        RequireCompatible(train, nameof(train));
        if (validation is not null)
        {
            RequireCompatible(validation, nameof(validation));
        }

        var sampler = new BatchSampler(train.Count, Options.BatchSize, Options.Seed);
        long total = Options.TotalSteps(sampler.BatchesPerEpoch);
        RequireStepsLeft(total);
        if (Options.WarmupSteps > total)
        {
            throw new InvalidOperationException(
                $"WarmupSteps ({Options.WarmupSteps}) exceeds the run's {total} total steps ({Options.Epochs} epochs of {sampler.BatchesPerEpoch} batches): the learning rate would never reach {Options.LearningRate}.");
        }

        if (Step > 0 && datasetSize is int size && size != train.Count)
        {
            throw new ArgumentException(
                $"The training set has {train.Count} samples, but the run being continued (at step {Step}) used {size}: the batches depend on the dataset size, so the run would not continue its data order.",
                nameof(train));
        }

        bool trainChecked = CheckLabelsUpFront(train, "training", nameof(train));
        if (validation is not null)
        {
            CheckLabelsUpFront(validation, "validation", nameof(validation));
        }

        if (Options.CheckpointPath is not null)
        {
            CheckpointPath.RequireWritable(Options.CheckpointPath);
        }

        datasetSize = train.Count;
        var history = new TrainingHistory();
        var clock = Stopwatch.StartNew();
        SegmentationMetrics? last = null;
        Model.train();
        using var loader = new BatchLoader(train, sampler, Step, total, Options.PrefetchBatches);
        try
        {
            while (Step < total)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    history.Cancelled = true;
                    break;
                }

                var stepClock = Stopwatch.StartNew();
                double lr = LearningRateSchedule.At(Options, Step, total);
                double loss;
                long epoch;
                TimeSpan wait;
                using (LoadedBatch batch = loader.Next())
                {
                    wait = stepClock.Elapsed;
                    epoch = batch.Epoch;
                    loss = TrainStep(batch, lr, trainChecked);
                }

                Step++;
                history.Add(new StepRecord(Step, epoch, loss, lr) { DataWait = wait, Duration = stepClock.Elapsed });

                if (Step == total || (Options.EvaluateEvery > 0 && Step % Options.EvaluateEvery == 0))
                {
                    // NOTE: the loader pauses so that no dataset is read from two threads at once.
                    using (loader.Pause())
                    {
                        last = validation is null
                            ? EvaluateCore(train, Options.BatchSize, "training", nameof(train))
                            : EvaluateCore(validation, Options.BatchSize, "validation", nameof(validation));
                    }

                    history.Add(new EvaluationRecord(Step, last));
                    Evaluated?.Invoke(this, new EvaluatedEventArgs(Step, last));
                }

                if (Options.CheckpointPath is not null && (Step == total || (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0)))
                {
                    SaveCheckpoint(Options.CheckpointPath);
                }

                progress?.Report(new TrainingProgress(Step, total, epoch, loss, lr, last, clock.Elapsed) { DataWait = wait });
            }

            if (history.Cancelled && Options.CheckpointPath is not null && history.Steps.Count > 0)
            {
                SaveCheckpoint(Options.CheckpointPath);
            }
        }
        catch (CheckpointException e) when (e.History is null)
        {
            history.Elapsed = clock.Elapsed;
            e.History = history;
            throw;
        }

        history.Elapsed = clock.Elapsed;
        return history;
    }

    /// <summary>Computes metrics on a dataset in eval mode without gradients, then restores the previous mode.</summary>
    /// <param name="data">The data; pixels labelled with the loss's <see cref="ISegmentationLoss.IgnoreIndex"/> count nowhere.</param>
    /// <param name="batchSize">Batch size; default <see cref="TrainerOptions.BatchSize"/>.</param>
    /// <returns>The metrics over all of <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model or has an out-of-range label (the message names the sample).</exception>
    public SegmentationMetrics Evaluate(ISegmentationDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be positive, but was {batchSize}.");
        }

        RequireCompatible(data, nameof(data));
        return EvaluateCore(data, batchSize ?? Options.BatchSize, "evaluation", nameof(data));
    }

    /// <summary>Writes the model, optimizer, step, seed, batch size and training-set size to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="CheckpointException">The file cannot be written; the previous checkpoint is intact.</exception>
    public void SaveCheckpoint(string path) =>
        Checkpoint.Save(path, Model, optimizer, new CheckpointInfo
        {
            Step = Step,
            Seed = Options.Seed,
            Optimizer = Options.EffectiveOptimizer,
            BatchSize = Options.BatchSize,
            DatasetSize = datasetSize,
            HeadSpec = Model.Head.Spec.ToString(),
        });

    /// <summary>
    /// Restores the model, optimizer, step and RNG state saved by <see cref="SaveCheckpoint"/>;
    /// <see cref="Fit"/> then continues from there (and checks that the training set has the saved size).
    /// Transactional: if the checkpoint does not fit (model, optimizer, seed or batch size), nothing changes.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The checkpoint's metadata.</returns>
    /// <exception cref="CheckpointException">The file is corrupt, or was saved from another model, optimizer, seed or batch size; the message says which.</exception>
    public CheckpointInfo LoadCheckpoint(string path)
    {
        CheckpointInfo info = Checkpoint.Load(path, Model, optimizer, Options.EffectiveOptimizer, RunProblem);
        Step = info.Step;
        datasetSize = info.DatasetSize;
        return info;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        mixed?.Dispose();
    }

    private string? RunProblem(CheckpointInfo info)
    {
        if (info.Seed != Options.Seed)
        {
            return $"was trained with seed {info.Seed}, but these options use seed {Options.Seed}: the data order would not continue.";
        }

        if (info.BatchSize is int batch && batch != Options.BatchSize)
        {
            return $"was trained with batch size {batch}, but these options use batch size {Options.BatchSize}: the data order would not continue.";
        }

        if (info.Optimizer == OptimizerKind.Custom && info.OptimizerType is string type && type != optimizer.GetType().Name)
        {
            return $"holds the state of a custom {type} optimizer, but the OptimizerFactory made a {optimizer.GetType().Name}.";
        }

        return null;
    }

    private void RequireStepsLeft(long total)
    {
        if (Step == total)
        {
            throw new InvalidOperationException(
                $"The run is complete at step {Step} of {total}, so Fit has nothing to do. To train further, create a new Trainer whose options have more Steps (or Epochs) and call LoadCheckpoint with this run's checkpoint.");
        }

        if (Step > total)
        {
            throw new InvalidOperationException(
                $"The trainer is at step {Step} (restored from a checkpoint), but these options make a run of only {total} steps. Set Steps (or Epochs) so that the run has more than {Step} steps to continue it.");
        }
    }

    private SegmentationMetrics EvaluateCore(ISegmentationDataset data, int size, string setName, string paramName)
    {
        int classes = ClassCount.For(Model.NumClasses);
        long ignoreIndex = Options.Loss.IgnoreIndex;
        var matrix = new ConfusionMatrix(classes, ignoreIndex);
        bool low = Options.EvaluationPrecision == Precision.BFloat16Mixed;
        using (low ? mixed!.BeginInference() : Model.BeginInference())
        {
            for (int start = 0; start < data.Count; start += size)
            {
                using var scope = NewDisposeScope();
                long[] indices = Enumerable.Range(start, Math.Min(size, data.Count - start)).Select(i => (long)i).ToArray();
                var (images, masks) = data.GetBatch(indices);
                LabelCheck.Require(masks, classes, ignoreIndex, setName, row => indices[row], paramName);
                Tensor logits = low ? mixed!.Forward(images.to(device)) : Model.forward(images.to(device));
                Tensor predicted = Masks.FromLogits(logits);
                matrix.Update(predicted, masks.to(device));
            }
        }

        return matrix.Compute();
    }

    private double TrainStep(LoadedBatch batch, double learningRate, bool labelsChecked)
    {
        // NOTE: the batch was made outside this scope (possibly on the loader's thread); its owner disposes it.
        using var scope = NewDisposeScope();
        Tensor images = batch.Images;
        Tensor masks = batch.Masks;
        if (!labelsChecked)
        {
            LabelCheck.Require(masks, ClassCount.For(Model.NumClasses), Options.Loss.IgnoreIndex, "training", row => batch.Indices[row], "train");
        }

        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }

        optimizer.zero_grad();
        MixedPrecisionModel? low = Options.Precision == Precision.BFloat16Mixed ? mixed : null;
        low?.LoadMasters();
        low?.ZeroGrad();
        Tensor logits = low is null ? Model.forward(images.to(device)) : low.Forward(images.to(device));
        Tensor loss = Options.Loss.Compute(logits, masks.to(device));
        if (loss.numel() != 1)
        {
            throw new InvalidOperationException(
                $"The loss '{Options.Loss.Name}' must return a scalar, but returned a tensor of shape [{string.Join(", ", loss.shape)}].");
        }

        double value = loss.ToDouble();
        if (!double.IsFinite(value))
        {
            string kept = Options.CheckpointPath is not null && File.Exists(Options.CheckpointPath)
                ? $" The last good checkpoint ({Options.CheckpointPath}, step {Checkpoint.ReadInfo(Options.CheckpointPath).Step}) is intact."
                : string.Empty;
            throw new TrainingDivergedException(
                $"The training loss became {value} at step {Step + 1} (learning rate {learningRate}); the weights were not updated.{kept} "
                + "Lower the learning rate, clip gradients, or check the inputs for NaN/Inf.")
            { Step = Step + 1, Loss = value };
        }

        loss.backward();
        low?.CopyGradientsToMasters();
        if (Options.GradientClipNorm is double clip)
        {
            nn.utils.clip_grad_norm_(Model.parameters(), clip);
        }

        optimizer.step();
        low?.CopyBuffersToMasters();
        return value;
    }

    private bool CheckLabelsUpFront(ISegmentationDataset data, string setName, string paramName)
    {
        // NOTE: only in-memory data can be scanned cheaply; other datasets are checked batch by batch.
        if (data is not InMemoryDataset tensors)
        {
            return false;
        }

        LabelCheck.Require(tensors.Masks, ClassCount.For(Model.NumClasses), Options.Loss.IgnoreIndex, setName, row => row, paramName);
        return true;
    }

    private void RequireCompatible(ISegmentationDataset data, string paramName)
    {
        if (data.Count == 0)
        {
            throw new ArgumentException("The dataset is empty (0 samples).", paramName);
        }

        if (data.Channels != Model.InChannels)
        {
            throw new ArgumentException($"The dataset has {data.Channels} image channels but the model expects {Model.InChannels}.", paramName);
        }

        int expected = ClassCount.For(Model.NumClasses);
        if (data.NumClasses != expected)
        {
            throw new ArgumentException($"The dataset has {data.NumClasses} classes but the model predicts {expected}.", paramName);
        }
    }

    private static OptimizerHelper CreateOptimizer(SegmentationModel model, TrainerOptions o)
    {
        if (o.OptimizerFactory is { } factory)
        {
            return factory(model.parameters(), o.LearningRate)
                ?? throw new InvalidOperationException("TrainerOptions.OptimizerFactory returned null; it must return an optimizer over the parameters it is given.");
        }

        return o.Optimizer switch
        {
            // NOTE: TorchSharp's own optimizers pass finalizable scalars to native code (see OwnedScalarOptimizers).
            OptimizerKind.Sgd => new OwnedScalarOptimizers.SGD(model.parameters(), o.LearningRate, momentum: o.Momentum, weightDecay: o.WeightDecay),
            OptimizerKind.Adam => new OwnedScalarOptimizers.Adam(model.parameters(), o.LearningRate, weightDecay: o.WeightDecay),
            OptimizerKind.AdamW => new OwnedScalarOptimizers.AdamW(model.parameters(), o.LearningRate, weightDecay: o.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(o), o.Optimizer, $"Unknown optimizer {o.Optimizer}."),
        };
    }
}

using System.Diagnostics;
using SegHeads.Data;
using SegHeads.Metrics;
using SegHeads.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Trains a <see cref="SegmentationModel"/> with per-pixel cross-entropy: one dispose scope per
/// step, evaluation in eval mode under <c>no_grad</c>, progress through <see cref="IProgress{T}"/>
/// (never the console), optional atomic checkpoints. Same seed, device and thread count give the
/// same losses; a resumed run continues the same trajectory.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly OptimizerHelper optimizer;
    private readonly Device device;

    /// <summary>Moves <paramref name="model"/> to the options' device, then creates the optimizer over its parameters.</summary>
    /// <param name="model">The model to train (not owned).</param>
    /// <param name="options">Configuration; <see langword="null"/> for the defaults.</param>
    public Trainer(SegmentationModel model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = (options ?? new TrainerOptions()).Validate();
        Model = model;
        device = Options.Device ?? CPU;

        // NOTE: to() replaces parameter objects, so the optimizer must be made afterwards.
        model.to(device);
        optimizer = CreateOptimizer(model, Options);
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

    /// <summary>
    /// Trains until the configured number of steps is done (continuing from <see cref="Step"/>),
    /// evaluating on <paramref name="validation"/> (or the training set) every
    /// <see cref="TrainerOptions.EvaluateEvery"/> steps and after the last.
    /// </summary>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Evaluation data, or <see langword="null"/> to evaluate on <paramref name="train"/>.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellationToken">Stops the run after the current step; the history says so and a checkpoint is written if configured.</param>
    /// <returns>The run's history.</returns>
    /// <exception cref="ArgumentException">The data is empty, smaller than one batch, or does not fit the model.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the last checkpoint is left intact.</exception>
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
        var history = new TrainingHistory();
        var clock = Stopwatch.StartNew();
        SegmentationMetrics? last = null;
        Model.train();
        while (Step < total)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                history.Cancelled = true;
                break;
            }

            long epoch = Step / sampler.BatchesPerEpoch;
            double lr = LearningRateSchedule.At(Options, Step, total);
            double loss = TrainStep(train, sampler.BatchAt(Step), lr);
            Step++;
            history.Add(new StepRecord(Step, epoch, loss, lr));

            if (Step == total || (Options.EvaluateEvery > 0 && Step % Options.EvaluateEvery == 0))
            {
                last = Evaluate(validation ?? train);
                history.Add(new EvaluationRecord(Step, last));
                Evaluated?.Invoke(this, new EvaluatedEventArgs(Step, last));
            }

            if (Options.CheckpointPath is not null && (Step == total || (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0)))
            {
                SaveCheckpoint(Options.CheckpointPath);
            }

            progress?.Report(new TrainingProgress(Step, total, epoch, loss, lr, last, clock.Elapsed));
        }

        if (history.Cancelled && Options.CheckpointPath is not null && history.Steps.Count > 0)
        {
            SaveCheckpoint(Options.CheckpointPath);
        }

        history.Elapsed = clock.Elapsed;
        return history;
    }

    /// <summary>Computes metrics on a dataset in eval mode without gradients, then restores the previous mode.</summary>
    /// <param name="data">The data.</param>
    /// <param name="batchSize">Batch size; default <see cref="TrainerOptions.BatchSize"/>.</param>
    public SegmentationMetrics Evaluate(ISegmentationDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireCompatible(data, nameof(data));
        int size = batchSize ?? Options.BatchSize;
        int classes = Math.Max(Model.NumClasses, 2);
        var matrix = new ConfusionMatrix(classes, Options.Loss.IgnoreIndex);
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < data.Count; start += size)
            {
                using var scope = NewDisposeScope();
                long[] indices = Enumerable.Range(start, Math.Min(size, data.Count - start)).Select(i => (long)i).ToArray();
                var (images, masks) = data.GetBatch(indices);
                Tensor logits = Model.forward(images.to(device));
                Tensor predicted = Model.NumClasses == 1 ? logits.squeeze(1).gt(0).to(int64) : logits.argmax(1);
                matrix.Update(predicted, masks.to(device));
            }
        }
        finally
        {
            Model.train(wasTraining);
        }

        return matrix.Compute();
    }

    /// <summary>Writes the model, optimizer, step and seed to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path) =>
        Checkpoint.Save(path, Model, optimizer, new CheckpointInfo
        {
            Step = Step,
            Seed = Options.Seed,
            Optimizer = Options.Optimizer,
            HeadSpec = Model.Head.Spec.ToString(),
        });

    /// <summary>Restores the model, optimizer, step and RNG state saved by <see cref="SaveCheckpoint"/>; <see cref="Fit"/> then continues from there.</summary>
    /// <exception cref="CheckpointException">The file is corrupt or was saved from another model or optimizer; the message says which.</exception>
    public CheckpointInfo LoadCheckpoint(string path)
    {
        CheckpointInfo info = Checkpoint.Load(path, Model, optimizer, Options.Optimizer);
        if (info.Seed != Options.Seed)
        {
            throw new CheckpointException($"Checkpoint {path} was trained with seed {info.Seed}, but these options use seed {Options.Seed}: the data order would not continue.");
        }

        Step = info.Step;
        return info;
    }

    /// <inheritdoc />
    public void Dispose() => optimizer.Dispose();

    private double TrainStep(ISegmentationDataset train, long[] indices, double learningRate)
    {
        using var scope = NewDisposeScope();
        var (images, masks) = train.GetBatch(indices);
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }

        optimizer.zero_grad();
        Tensor logits = Model.forward(images.to(device));
        Tensor loss = PixelCrossEntropy.Compute(logits, masks.to(device), Options.Loss);
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
        if (Options.GradientClipNorm is double clip)
        {
            nn.utils.clip_grad_norm_(Model.parameters(), clip);
        }

        optimizer.step();
        return value;
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

        int expected = Math.Max(Model.NumClasses, 2);
        if (data.NumClasses != expected)
        {
            throw new ArgumentException($"The dataset has {data.NumClasses} classes but the model predicts {expected}.", paramName);
        }
    }

    private static OptimizerHelper CreateOptimizer(SegmentationModel model, TrainerOptions o) => o.Optimizer switch
    {
        OptimizerKind.Sgd => optim.SGD(model.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
        OptimizerKind.Adam => optim.Adam(model.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(model.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.Optimizer, $"Unknown optimizer {o.Optimizer}."),
    };
}

using SegHeads.Backbones;
using SegHeads.Cli;
using SegHeads.Data;
using SegHeads.Dynamics;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Runs one configuration for one seed and records losses, metrics and end-to-end maps.</summary>
internal static class Runner
{
    public static RunResult Run(RunConfig config, int seed, ISegmentationDataset train, ISegmentationDataset validation, int steps, int evaluateEvery, Action<SegmentationModel, Trainer>? afterTraining = null)
    {
        manual_seed(seed);
        SegmentationHead head = BuildHead(config, seed, train.NumClasses, config.WithBackbone ? 8 : train.Channels);
        Backbone backbone = config.WithBackbone
            ? BuildBackbone(seed, train.Channels)
            : new IdentityBackbone(train.Channels);
        using var model = new SegmentationModel(backbone, head);
        var options = new TrainerOptions
        {
            Optimizer = config.Optimizer,
            LearningRate = config.LearningRate,
            Momentum = 0.9,
            Steps = steps,
            BatchSize = 16,
            EvaluateEvery = evaluateEvery,
            Seed = seed,
        };
        using var trainer = new Trainer(model, options);
        using EndToEndRecorder? recorder = config.RecordMaps && head.IsLinear ? new EndToEndRecorder(trainer) : null;
        // SIGINT/SIGTERM: stop this run after its current step and abandon the experiment; finished ones stay on disk.
        CancellationToken stop = CliHost.Stop?.Token ?? CancellationToken.None;
        TrainingHistory history = trainer.Fit(train, validation, cancellationToken: stop);
        stop.ThrowIfCancellationRequested();
        afterTraining?.Invoke(model, trainer);
        return new RunResult(
            config,
            seed,
            history.Steps.Select(s => s.Loss).ToArray(),
            history.Evaluations.Select(e => e.Step).ToArray(),
            history.Evaluations.Select(e => e.Metrics.MeanIoU).ToArray(),
            history.FinalMetrics?.IoU ?? [],
            recorder?.Snapshots.ToList() ?? []);
    }

    public static List<RunResult> RunAll(ExperimentContext context, IEnumerable<RunConfig> configs, ISegmentationDataset train, ISegmentationDataset validation, int steps)
    {
        var results = new List<RunResult>();
        foreach (RunConfig config in configs)
        {
            foreach (int seed in context.Seeds)
            {
                results.Add(Run(config, seed, train, validation, steps, context.EvaluateEvery));
            }

            Stats loss = Stats.Of(results.Where(r => r.Config == config).Select(r => r.FinalLoss));
            Stats miou = Stats.Of(results.Where(r => r.Config == config).Select(r => r.FinalMeanIoU));
            context.Log($"  {config.Label,-34} final loss {loss}, mIoU {miou}");
        }

        return results;
    }

    private static SegmentationHead BuildHead(RunConfig config, int seed, int classes, int features)
    {
        SegmentationHead head;
        if (config.MatchedTo is not null)
        {
            // Same seed → the partner run's exact starting head; this run starts from its collapse.
            manual_seed(seed);
            using SegmentationHead partner = HeadFactory.Create(config.MatchedTo, features, classes);
            using var kernel = partner.Collapse();
            head = HeadFactory.FromKernel(kernel);
        }
        else
        {
            head = HeadFactory.Create(config.HeadSpec, features, classes);
        }

        if (config.InitScale != 1.0)
        {
            using (no_grad())
            {
                foreach (var (name, p) in head.named_parameters())
                {
                    if (name.EndsWith("conv.weight", StringComparison.Ordinal) || name.EndsWith("classifier.weight", StringComparison.Ordinal))
                    {
                        p.mul_(config.InitScale);
                    }
                }
            }
        }

        return head;
    }

    private static EncoderDecoder BuildBackbone(int seed, int channels)
    {
        manual_seed(seed + 1000);
        return new EncoderDecoder(new EncoderDecoderOptions { InChannels = channels, BaseWidth = 8, Depth = 2 });
    }
}

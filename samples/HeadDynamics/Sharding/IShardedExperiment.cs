namespace SegHeads.Samples.HeadDynamics.Sharding;

/// <summary>
/// An experiment made of many independent runs with stable IDs, so that a batch scheduler can run
/// shards of them on different machines and <see cref="Merge"/> can rebuild the unsharded result.
/// </summary>
internal interface IShardedExperiment : Experiments.IExperiment
{
    /// <summary>Stages in order; a stage's runs may depend on the merged results of the stages before it.</summary>
    IReadOnlyList<string> Stages { get; }

    /// <summary>The run IDs of one stage in list order (the order shards are dealt from and merged into).</summary>
    IReadOnlyList<string> RunIds(ExperimentContext context, string stage);

    /// <summary>Combines the outputs of shard folders into the context's output folder and analyses what is there.</summary>
    void Merge(ExperimentContext context, IReadOnlyList<string> shardFolders);
}

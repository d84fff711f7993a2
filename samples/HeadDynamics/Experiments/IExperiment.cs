namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>A named, seeded experiment that writes CSV and PNG files and states its findings.</summary>
internal interface IExperiment
{
    string Name { get; }

    string Description { get; }

    void Run(ExperimentContext context);
}

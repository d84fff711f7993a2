namespace SegHeads.Dynamics;

/// <summary>Simulated and theoretical mode strengths of a <see cref="LinearNetworkSimulation"/>, sampled at steps 0..Steps.</summary>
/// <param name="Options">The configuration that produced it.</param>
/// <param name="Simulated">Per mode, the simulated strength at every step.</param>
/// <param name="Theory">Per mode, the theoretical strength at every step.</param>
public sealed record LinearNetworkSimulationResult(
    LinearNetworkSimulationOptions Options,
    IReadOnlyList<IReadOnlyList<double>> Simulated,
    IReadOnlyList<IReadOnlyList<double>> Theory)
{
    /// <summary>Steps at which mode <paramref name="mode"/> reaches half its target, simulated and in theory.</summary>
    public (double Simulated, double Theory) HalfTime(int mode)
    {
        double half = Options.SingularValues[mode] / 2;
        return (SaxeTheory.CrossingTime(Simulated[mode], half), SaxeTheory.CrossingTime(Theory[mode], half));
    }

    /// <summary>Largest <c>|simulated − theory|</c> of a mode over the run, as a fraction of its target s.</summary>
    public double MaxDeviation(int mode) =>
        Simulated[mode].Zip(Theory[mode], (a, b) => Math.Abs(a - b)).Max() / Options.SingularValues[mode];

    /// <summary>
    /// The lag allowed for discrete steps: <c>1.5 · (η·s/2) · t½ + 1</c> steps (the first-order
    /// effect of replacing the flow by Euler steps of size η, plus the sampling step).
    /// </summary>
    public double AllowedLag(int mode) =>
        (1.5 * (Options.LearningRate * Options.SingularValues[mode] / 2) * HalfTime(mode).Theory) + 1;
}

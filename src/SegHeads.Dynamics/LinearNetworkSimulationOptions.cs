namespace SegHeads.Dynamics;

/// <summary>Configuration of <see cref="LinearNetworkSimulation"/>.</summary>
public sealed record LinearNetworkSimulationOptions
{
    /// <summary>Target singular values s (one mode each). Default 3, 2, 1, 0.5.</summary>
    public IReadOnlyList<double> SingularValues { get; init; } = [3.0, 2.0, 1.0, 0.5];

    /// <summary>Weight matrices D (2 = one hidden layer). Default 2.</summary>
    public int Matrices { get; init; } = 2;

    /// <summary>Initial strength u0 of every mode. Default 0.01.</summary>
    public double InitialStrength { get; init; } = 0.01;

    /// <summary>Gradient-descent learning rate η (τ = 1/η). Default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Full-batch steps. Default 2000.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Extra input and output dimensions beyond the number of modes (they carry target 0). Default 2.</summary>
    public int ExtraDimensions { get; init; } = 2;

    /// <summary>Seed of the random singular vectors and hidden rotations. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public LinearNetworkSimulationOptions Validate()
    {
        if (SingularValues is null || SingularValues.Count == 0 || SingularValues.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(SingularValues), $"Need at least one positive finite singular value, but got [{string.Join(", ", SingularValues ?? [])}].");
        }

        if (Matrices < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Matrices), Matrices, $"Matrices must be at least 1, but was {Matrices}.");
        }

        if (!(InitialStrength > 0) || !(LearningRate > 0) || Steps <= 0 || ExtraDimensions < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialStrength),
                $"Need InitialStrength > 0, LearningRate > 0, Steps > 0, ExtraDimensions >= 0, but got {InitialStrength}, {LearningRate}, {Steps}, {ExtraDimensions}.");
        }

        return this;
    }
}

namespace SegHeads.Dynamics;

/// <summary>
/// Closed-form and ODE mode trajectories of deep linear networks (Saxe, McClelland and Ganguli,
/// "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks", ICLR 2014).
/// </summary>
/// <remarks>
/// Assumptions: whitened inputs (input correlation = I), squared-error loss <c>½ Σ‖y − W x‖²</c>,
/// continuous-time gradient flow <c>τ dWᵢ/dt = −∂L/∂Wᵢ</c> (gradient descent with learning rate η
/// follows it with <c>τ = 1/η</c> and t counted in steps), and a balanced, decoupled initialisation
/// that aligns every layer with the target's singular vectors, so each singular mode of the
/// end-to-end map evolves alone with strength <c>u(0) = u0</c> towards its target value <c>s</c>.
/// </remarks>
public static class SaxeTheory
{
    /// <summary>
    /// Two weight matrices: <c>u(t) = s·e^{2st/τ} / (e^{2st/τ} − 1 + s/u0)</c>.
    /// </summary>
    /// <param name="s">Target singular value (positive).</param>
    /// <param name="u0">Initial mode strength (0 &lt; u0).</param>
    /// <param name="tau">Time constant τ (1 / learning rate).</param>
    /// <param name="t">Time (steps).</param>
    public static double TwoLayerStrength(double s, double u0, double tau, double t)
    {
        Require(s, u0, tau);
        double e = Math.Exp(2 * s * t / tau);
        return double.IsInfinity(e) ? s : s * e / (e - 1 + (s / u0));
    }

    /// <summary>Time at which the two-layer mode reaches <c>s/2</c>: <c>t½ = τ/(2s) · ln(s/u0 − 1)</c>.</summary>
    public static double TwoLayerHalfTime(double s, double u0, double tau)
    {
        Require(s, u0, tau);
        return tau / (2 * s) * Math.Log((s / u0) - 1);
    }

    /// <summary>
    /// The mode strength of a network of <paramref name="matrices"/> weight matrices (Saxe et al.'s
    /// depth-N equation with N − 1 = matrices): <c>τ u′ = D · u^{2 − 2/D} · (s − u)</c>, integrated with
    /// classical Runge-Kutta, sampled at every integer step <c>0..steps</c>.
    /// </summary>
    /// <param name="matrices">Number of weight matrices D (at least 1; 1 gives plain linear regression).</param>
    /// <param name="s">Target singular value.</param>
    /// <param name="u0">Initial strength.</param>
    /// <param name="tau">Time constant.</param>
    /// <param name="steps">Last time point.</param>
    /// <param name="substeps">RK4 substeps per unit of time.</param>
    public static double[] DeepStrength(int matrices, double s, double u0, double tau, int steps, int substeps = 20)
    {
        Require(s, u0, tau);
        if (matrices < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(matrices), matrices, $"The number of matrices must be at least 1, but was {matrices}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(substeps, 1);
        double exponent = 2.0 - (2.0 / matrices);
        double Rate(double u) => matrices * Math.Pow(Math.Max(u, 0), exponent) * (s - u) / tau;
        var result = new double[steps + 1];
        double value = u0;
        double h = 1.0 / substeps;
        result[0] = value;
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < substeps; i++)
            {
                double k1 = Rate(value);
                double k2 = Rate(value + (0.5 * h * k1));
                double k3 = Rate(value + (0.5 * h * k2));
                double k4 = Rate(value + (h * k3));
                value += h / 6 * (k1 + (2 * k2) + (2 * k3) + k4);
            }

            result[t] = value;
        }

        return result;
    }

    /// <summary>The first time a sampled trajectory reaches <paramref name="level"/>, linearly interpolated; NaN if never.</summary>
    public static double CrossingTime(IReadOnlyList<double> trajectory, double level)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        for (int t = 1; t < trajectory.Count; t++)
        {
            if (trajectory[t] >= level && trajectory[t - 1] < level)
            {
                return t - 1 + ((level - trajectory[t - 1]) / (trajectory[t] - trajectory[t - 1]));
            }
        }

        return trajectory.Count > 0 && trajectory[0] >= level ? 0 : double.NaN;
    }

    private static void Require(double s, double u0, double tau)
    {
        if (!(s > 0) || !(u0 > 0) || !(tau > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(s), $"Need s > 0, u0 > 0 and tau > 0, but got s = {s}, u0 = {u0}, tau = {tau}.");
        }
    }
}

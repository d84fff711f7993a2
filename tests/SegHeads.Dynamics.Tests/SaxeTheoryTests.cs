using SegHeads.Dynamics;

namespace SegHeads.Dynamics.Tests;

public sealed class SaxeTheoryTests
{
    [Fact]
    public void TwoLayerStrength_SolvesItsDifferentialEquation()
    {
        const double s = 2, u0 = 0.01, tau = 50;
        for (double t = 0; t < 300; t += 7)
        {
            double u = SaxeTheory.TwoLayerStrength(s, u0, tau, t);
            double derivative = (SaxeTheory.TwoLayerStrength(s, u0, tau, t + 1e-4) - SaxeTheory.TwoLayerStrength(s, u0, tau, t - 1e-4)) / 2e-4;

            (tau * derivative).Should().BeApproximately(2 * u * (s - u), 1e-5);
        }

        SaxeTheory.TwoLayerStrength(s, u0, tau, 0).Should().BeApproximately(u0, 1e-15);
        SaxeTheory.TwoLayerStrength(s, u0, tau, 1e6).Should().Be(s);
    }

    [Fact]
    public void DeepStrength_TwoMatrices_MatchesClosedForm()
    {
        double[] numeric = SaxeTheory.DeepStrength(2, 1.5, 0.02, 40, 400);

        for (int t = 0; t <= 400; t += 20)
        {
            numeric[t].Should().BeApproximately(SaxeTheory.TwoLayerStrength(1.5, 0.02, 40, t), 1e-8);
        }
    }

    [Fact]
    public void TwoLayerHalfTime_IsWhereTheClosedFormReachesHalf()
    {
        double t = SaxeTheory.TwoLayerHalfTime(3, 0.001, 100);

        SaxeTheory.TwoLayerStrength(3, 0.001, 100, t).Should().BeApproximately(1.5, 1e-9);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Simulation_ModesFollowTheoryWithinDiscretisationLag(int matrices)
    {
        LinearNetworkSimulationResult result = LinearNetworkSimulation.Run(new LinearNetworkSimulationOptions
        {
            Matrices = matrices,
            SingularValues = [3, 1.5, 0.75],
            InitialStrength = 0.01,
            LearningRate = 0.01,
            Steps = 1200,
            Seed = 4,
        });

        for (int mode = 0; mode < 3; mode++)
        {
            var (simulated, theory) = result.HalfTime(mode);
            double lag = simulated - theory;
            lag.Should().BeGreaterThanOrEqualTo(-1, $"mode {mode}: discrete steps never run ahead of the flow by more than a sample");
            lag.Should().BeLessThanOrEqualTo(result.AllowedLag(mode), $"mode {mode} of {matrices} matrices: half-time {simulated:F1} vs theory {theory:F1}");
            result.MaxDeviation(mode).Should().BeLessThanOrEqualTo(0.05, $"mode {mode} stays within 5% of s");
        }
    }

    [Fact]
    public void Simulation_LargerModesLearnFirst()
    {
        LinearNetworkSimulationResult result = LinearNetworkSimulation.Run(new LinearNetworkSimulationOptions { Steps = 600 });

        double[] halfTimes = Enumerable.Range(0, 4).Select(m => result.HalfTime(m).Simulated).ToArray();

        halfTimes.Should().BeInAscendingOrder("modes with larger singular values are learned sooner (Saxe et al. 2014)");
    }

    [Fact]
    public void Options_NonPositiveSingularValue_Throws()
    {
        Action run = () => LinearNetworkSimulation.Run(new LinearNetworkSimulationOptions { SingularValues = [1, 0] });

        run.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[1, 0]*");
    }
}

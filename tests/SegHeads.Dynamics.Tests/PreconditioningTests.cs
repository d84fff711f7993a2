using System.Globalization;
using SegHeads.Dynamics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SegHeads.Dynamics.Tests;

/// <summary>
/// Theorem 1 of Arora, Cohen and Hazan (2018) against real gradient steps on a least-squares loss
/// <c>L(W) = ½/n ‖W X − Y‖²</c>, in float64.
/// </summary>
public sealed class PreconditioningTests(ITestOutputHelper output)
{
    private static readonly double[] Steps = [1e-1, 1e-2, 1e-3, 1e-4];
    private static readonly double[] Diagonal = [4.0, 1.0, 0.25];
    private static readonly double[] Column = [1.0, 2.0, 0.0, -1.0];
    private static readonly double[] Row = [0.5, 0.0, 1.0];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PredictedUpdate_BalancedStart_ErrorIsSecondOrderInTheStep(int depth)
    {
        using var scope = NewDisposeScope();
        var problem = new LeastSquares(seed: 10 + depth);
        Tensor[] factors = Preconditioning.Balance(problem.Start, depth == 2 ? [5] : [5, 6], new Generator(7));

        var measured = Steps.Select(eta => problem.StepError(factors, eta)).ToArray();
        double[] errors = measured.Select(m => m.Absolute).ToArray();
        double[] overSquare = errors.Zip(Steps, (e, eta) => e / (eta * eta)).ToArray();
        double[] overStep = errors.Zip(Steps, (e, eta) => e / eta).ToArray();
        Log(depth, "balanced", measured);

        overSquare.Max().Should().BeLessThan(2 * overSquare.Min(), "the neglected term is O(η²) with a constant that barely moves at these steps");
        overStep.Should().BeInDescendingOrder();
        overStep[^1].Should().BeLessThan(1e-2 * overStep[0], "error / η shrinks like η (three decades of η here), towards 0");
        measured[^1].Relative.Should().BeLessThan(1e-3);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PredictedUpdate_UnbalancedFactorsOfTheSameMap_MissAtFirstOrder(int depth)
    {
        using var scope = NewDisposeScope();
        var problem = new LeastSquares(seed: 10 + depth);
        Tensor[] factors = Preconditioning.Balance(problem.Start, depth == 2 ? [5] : [5, 6], new Generator(7));

        // Rescaling W_1 by 2 and W_N by ½ keeps the product (and so the prediction) but not the balance.
        factors[0] = factors[0] * 2;
        factors[^1] = factors[^1] * 0.5;
        Preconditioning.Product(factors).allclose(problem.Start, rtol: 0, atol: 1e-12).Should().BeTrue();

        var measured = Steps.Select(eta => problem.StepError(factors, eta)).ToArray();
        double[] errors = measured.Select(m => m.Absolute).ToArray();
        double[] overStep = errors.Zip(Steps, (e, eta) => e / eta).ToArray();
        Log(depth, "unbalanced", measured);

        overStep[^1].Should().BeGreaterThan(0.5 * overStep[^2], "error / η levels off instead of going to 0");
        measured[^1].Relative.Should().BeGreaterThan(0.1, "the update differs at first order");
        Preconditioning.IsBalanced(factors, 0.1).Should().BeFalse();
    }

    [Fact]
    public void FirstOrderUpdate_BalancedFactors_EqualsTheorem()
    {
        using var scope = NewDisposeScope();
        var problem = new LeastSquares(seed: 21);
        Tensor[] factors = Preconditioning.Balance(problem.Start, [5, 6], new Generator(7));
        Tensor gradient = problem.Gradient(problem.Start);

        Tensor fromFactors = Preconditioning.FirstOrderUpdate(factors, gradient, 0.01);

        fromFactors.allclose(Preconditioning.PredictedUpdate(problem.Start, gradient, 3, 0.01), rtol: 1e-10, atol: 1e-14).Should().BeTrue();
    }

    [Fact]
    public void FirstOrderUpdate_UnbalancedFactors_ErrorIsSecondOrderInTheStep()
    {
        using var scope = NewDisposeScope();
        var problem = new LeastSquares(seed: 22);
        var generator = new Generator(8);
        Tensor[] factors = [randn([5, 3], dtype: float64, generator: generator), randn([6, 5], dtype: float64, generator: generator) * 0.5, randn([4, 6], dtype: float64, generator: generator) * 0.5];

        double[] overSquare = Steps.Select(eta =>
        {
            var (_, measured, gradient) = problem.Step(factors, eta);
            return linalg.norm(measured - Preconditioning.FirstOrderUpdate(factors, gradient, eta)).ToDouble() / (eta * eta);
        }).ToArray();

        overSquare.Max().Should().BeLessThan(3 * overSquare.Min(), "balance is what Theorem 1 needs, not what first order needs");
    }

    [Fact]
    public void FirstOrderUpdate_GradientOfAnotherShape_ThrowsWithShapes()
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.FirstOrderUpdate([zeros(5, 3), zeros(4, 5)], zeros(4, 5), 0.1);

        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3]*[4, 5]*");
    }

    [Theory]
    [InlineData(1e-1)]
    [InlineData(1e-4)]
    public void PredictedUpdate_OneFactor_IsPlainGradientDescent(double eta)
    {
        using var scope = NewDisposeScope();
        var problem = new LeastSquares(seed: 3);
        Tensor[] factors = [problem.Start.clone()];

        Tensor predicted = Preconditioning.PredictedUpdate(problem.Start, problem.Gradient(problem.Start), 1, eta);

        predicted.equal(-eta * problem.Gradient(problem.Start)).all().item<bool>().Should().BeTrue("W_e^0 is the identity exactly");
        problem.StepError(factors, eta).Absolute.Should().BeLessThan(1e-15);
    }

    [Fact]
    public void PredictedUpdate_DiagonalMapOfTwoFactors_IsTheSymmetrisedGradient()
    {
        using var scope = NewDisposeScope();
        Tensor d = diag(tensor(Diagonal));
        Tensor g = arange(9, dtype: float64).reshape(3, 3) - 4;

        Tensor predicted = Preconditioning.PredictedUpdate(d, g, 2, 0.1);

        // (W Wᵀ)^{1/2} = (Wᵀ W)^{1/2} = D for a positive diagonal D.
        predicted.allclose(-0.1 * (d.matmul(g) + g.matmul(d)), rtol: 0, atol: 1e-13).Should().BeTrue();
    }

    [Fact]
    public void PredictedUpdate_RankDeficientMap_StaysFinite()
    {
        using var scope = NewDisposeScope();
        Tensor w = outer(tensor(Column), tensor(Row));
        Tensor g = ones(4, 3, dtype: float64);

        Tensor predicted = Preconditioning.PredictedUpdate(w, g, 3, 0.01);

        predicted.isfinite().all().item<bool>().Should().BeTrue("eigenvalues rounded below 0 are clamped before the fractional power");
    }

    [Fact]
    public void PredictedUpdate_Float32Input_ReturnsFloat32()
    {
        using var scope = NewDisposeScope();
        Tensor w = randn(4, 3, generator: new Generator(1));

        Preconditioning.PredictedUpdate(w, ones_like(w), 2, 0.1).dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void PredictedUpdate_GradientOfAnotherShape_ThrowsWithShapes()
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.PredictedUpdate(zeros(4, 3), zeros(3, 4), 2, 0.1);

        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3]*[3, 4]*").And.ParamName.Should().Be("gradient");
    }

    [Theory]
    [InlineData(0, 0.1, "depth")]
    [InlineData(2, 0.0, "learningRate")]
    [InlineData(2, double.NaN, "learningRate")]
    public void PredictedUpdate_BadDepthOrStep_ThrowsWithTheValue(int depth, double eta, string parameter)
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.PredictedUpdate(zeros(4, 3), zeros(4, 3), depth, eta);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*was*").And.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void PredictedUpdate_NotAMatrix_ThrowsWithShape()
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.PredictedUpdate(zeros(4, 3, 1, 1), zeros(4, 3, 1, 1), 2, 0.1);

        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3, 1, 1]*");
    }

    private void Log(int depth, string start, (double Absolute, double Relative)[] errors)
    {
        for (int i = 0; i < Steps.Length; i++)
        {
            double e = errors[i].Absolute;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"depth {depth} {start}: eta {Steps[i]:G2} error {e:E3} relative {errors[i].Relative:E3} error/eta {e / Steps[i]:E3} error/eta^2 {e / (Steps[i] * Steps[i]):E3}"));
        }
    }
}

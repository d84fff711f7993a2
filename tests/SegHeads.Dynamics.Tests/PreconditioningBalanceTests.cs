using SegHeads.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Dynamics.Tests;

public sealed class PreconditioningBalanceTests
{
    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 5 })]
    [InlineData(new[] { 5, 6, 3 })]
    public void Balance_FactorsReproduceTheMapAndAreBalanced(int[] hidden)
    {
        using var scope = NewDisposeScope();
        Tensor map = randn([4, 3], dtype: float64, generator: new Generator(2));

        Tensor[] factors = Preconditioning.Balance(map, hidden, new Generator(3));

        factors.Select(f => f.shape).Should().BeEquivalentTo(
            hidden.Append(4).Select((width, j) => new long[] { width, j == 0 ? 3 : hidden[j - 1] }), o => o.WithStrictOrdering());
        Preconditioning.Product(factors).allclose(map, rtol: 0, atol: 1e-12).Should().BeTrue();
        Preconditioning.Imbalance(factors).Should().BeLessThan(1e-12);
        Preconditioning.IsBalanced(factors, 1e-12).Should().BeTrue();
    }

    [Fact]
    public void Balance_HiddenWidthBelowTheRank_KeepsTheLargestSingularValues()
    {
        using var scope = NewDisposeScope();
        Tensor map = randn([4, 3], dtype: float64, generator: new Generator(2));
        double[] singular = linalg.svdvals(map).data<double>().ToArray();

        Tensor[] factors = Preconditioning.Balance(map, [5, 2], new Generator(3));

        double[] kept = linalg.svdvals(Preconditioning.Product(factors)).data<double>().ToArray();
        kept[0].Should().BeApproximately(singular[0], 1e-12);
        kept[1].Should().BeApproximately(singular[1], 1e-12);
        kept[2].Should().BeLessThan(1e-12, "a width-2 layer caps the rank at 2 (Eckart-Young truncation)");
        Preconditioning.Imbalance(factors).Should().BeLessThan(1e-12);
    }

    [Fact]
    public void Imbalance_RandomFactors_IsTheLargestGramGap()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        Tensor[] factors = [randn([5, 3], dtype: float64, generator: generator), randn([4, 5], dtype: float64, generator: generator)];
        double expected = linalg.norm(factors[1].T.matmul(factors[1]) - factors[0].matmul(factors[0].T)).ToDouble();

        Preconditioning.Imbalance(factors).Should().BeApproximately(expected, 1e-12).And.BeGreaterThan(1);
        Preconditioning.IsBalanced(factors, 1).Should().BeFalse();
        Preconditioning.Imbalance([factors[0]]).Should().Be(0, "one factor is trivially balanced");
    }

    [Fact]
    public void Product_FactorsThatDoNotChain_ThrowsWithShapes()
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.Product([zeros(5, 3), zeros(4, 6)]);

        act.Should().Throw<ArgumentException>().WithMessage("*5 inputs*[5, 3]*[4, 6]*");
    }

    [Fact]
    public void Balance_NonPositiveWidth_ThrowsWithTheWidth()
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.Balance(zeros(4, 3), [5, 0]);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[5, 0]*was 0*");
    }

    [Fact]
    public void IsBalanced_NegativeTolerance_Throws()
    {
        using var scope = NewDisposeScope();
        Action act = () => Preconditioning.IsBalanced([zeros(4, 3)], -1);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*-1*");
    }
}

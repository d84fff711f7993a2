using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Tests.Internal;

/// <summary>
/// The owned-scalar helpers replace TorchSharp's operators in losses, augmentation and forwards;
/// they must give the operators' bits, or every loss value and checkpoint would drift.
/// </summary>
public sealed class ScalarMathTests
{
    private delegate Tensor Op(Tensor a, Tensor b);

    // Each pair: the owned-scalar form and the TorchSharp operator it replaces, on random inputs
    // whose values make rounding visible (float32, mixed signs, magnitudes around 1).
    private static readonly Dictionary<string, (Op Owned, Op Operator)> Pairs = new()
    {
        ["a + b"] = (ScalarMath.Add, (a, b) => a + b),
        ["a + 0.1"] = ((a, _) => ScalarMath.Add(a, 0.1), (a, _) => a + 0.1),
        ["a - 0.3 as a + (-0.3)"] = ((a, _) => ScalarMath.Add(a, -0.3), (a, _) => a - 0.3),
        ["1 - a"] = ((a, _) => ScalarMath.Subtract(1.0, a), (a, _) => 1.0 - a),
        ["a * 0.3"] = ((a, _) => ScalarMath.Multiply(a, 0.3), (a, _) => a * 0.3),
        ["a / 0.7"] = ((a, _) => ScalarMath.Divide(a, 0.7), (a, _) => a / 0.7),
        ["|a| ^ 1.7"] = ((a, _) => ScalarMath.Power(a.abs(), 1.7), (a, _) => a.abs().pow(1.7)),
        ["max(a, 0.2)"] = ((a, _) => ScalarMath.ClampMin(a, 0.2), (a, _) => a.clamp_min(0.2)),
        ["a += b"] = ((a, b) => ScalarMath.AddInPlace(a.clone(), b), (a, b) => a.clone().add_(b)),
        ["a < 0.1"] = ((a, _) => ScalarArgs.Less(a, 0.1), (a, _) => a.lt(0.1)),
        ["clamp(a, 0, 1)"] = ((a, _) => ScalarArgs.Clamp(a, 0, 1), (a, _) => a.clamp(0, 1)),
        ["sum(a) * 0"] = ((a, _) => ScalarMath.ConnectedZero(a), (a, _) => a.sum() * 0),
    };

    public static TheoryData<string> Names => [.. Pairs.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void OwnedForm_GivesTheOperatorsBits(string name)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        Tensor a = randn([4, 5, 6], generator: generator);
        Tensor b = randn([4, 5, 6], generator: generator);
        var (owned, op) = Pairs[name];

        Tensor expected = op(a, b);
        Tensor actual = owned(a, b);

        actual.dtype.Should().Be(expected.dtype);
        actual.shape.Should().Equal(expected.shape);
        Bits(actual).Should().Equal(Bits(expected), $"{name} must give the operator's bits");
    }

    private static byte[] Bits(Tensor t) => t.contiguous().bytes.ToArray();

    [Fact]
    public void Multiply_IntegerTensor_StaysInteger()
    {
        using var scope = NewDisposeScope();
        Tensor labels = tensor(new long[] { 0, 1, 2, 3 });

        Tensor scaled = ScalarMath.Multiply(labels, 5L);

        scaled.dtype.Should().Be(ScalarType.Int64);
        scaled.data<long>().ToArray().Should().Equal(0, 5, 10, 15);
    }

    [Fact]
    public void ConnectedZero_CarriesTheGradientGraph()
    {
        using var scope = NewDisposeScope();
        Tensor logits = randn([2, 3], requires_grad: true);

        Tensor zero = ScalarMath.ConnectedZero(logits);
        zero.backward();

        zero.item<float>().Should().Be(0f);
        logits.grad.Should().NotBeNull();
        logits.grad!.abs().sum().item<float>().Should().Be(0f);
    }
}

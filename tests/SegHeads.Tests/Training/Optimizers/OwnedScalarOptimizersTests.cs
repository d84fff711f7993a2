using SegHeads.Training.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training.Optimizers;

public sealed class OwnedScalarOptimizersTests
{
    private delegate OptimizerHelper Make(IEnumerable<Parameter> parameters);

    private static readonly Dictionary<string, (Make TorchSharp, Make Owned)> Configs = new()
    {
        ["sgd"] = (p => optim.SGD(p, 0.05), p => new OwnedScalarOptimizers.SGD(p, 0.05)),
        ["sgd momentum"] = (p => optim.SGD(p, 0.05, momentum: 0.9), p => new OwnedScalarOptimizers.SGD(p, 0.05, momentum: 0.9)),
        ["sgd nesterov + decay"] = (p => optim.SGD(p, 0.05, momentum: 0.8, weight_decay: 0.01, nesterov: true), p => new OwnedScalarOptimizers.SGD(p, 0.05, momentum: 0.8, weightDecay: 0.01, nesterov: true)),
        ["sgd dampening + maximize"] = (p => optim.SGD(p, 0.05, momentum: 0.9, dampening: 0.3, maximize: true), p => new OwnedScalarOptimizers.SGD(p, 0.05, momentum: 0.9, dampening: 0.3, maximize: true)),
        ["adam"] = (p => optim.Adam(p, 0.01), p => new OwnedScalarOptimizers.Adam(p, 0.01)),
        ["adam decay + amsgrad"] = (p => optim.Adam(p, 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.02, amsgrad: true), p => new OwnedScalarOptimizers.Adam(p, 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.02, amsgrad: true)),
        ["adam maximize"] = (p => optim.Adam(p, 0.01, maximize: true), p => new OwnedScalarOptimizers.Adam(p, 0.01, maximize: true)),
        ["adamw"] = (p => optim.AdamW(p, 0.01, weight_decay: 0.05), p => new OwnedScalarOptimizers.AdamW(p, 0.01, weightDecay: 0.05)),
        ["adamw amsgrad"] = (p => optim.AdamW(p, 0.01, weight_decay: 0.05, amsgrad: true), p => new OwnedScalarOptimizers.AdamW(p, 0.01, weightDecay: 0.05, amsgrad: true)),
    };

    public static TheoryData<string> Names => [.. Configs.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Step_UpdatesBitwiseLikeTorchSharpsOptimizer(string config)
    {
        using var scope = NewDisposeScope();
        Parameter[] reference = Start();
        Parameter[] owned = Start();
        using OptimizerHelper a = Configs[config].TorchSharp(reference);
        using OptimizerHelper b = Configs[config].Owned(owned);

        for (int step = 0; step < 6; step++)
        {
            Train(a, reference);
            Train(b, owned);
        }

        Bits(owned).Should().Equal(Bits(reference), $"{config}: six steps must match TorchSharp's optimizer bit for bit");
        Bits(owned).Should().NotEqual(Bits(Start()), "the parameters must have moved");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SavedState_RoundTripsWithTorchSharpsOptimizer(string config)
    {
        // Checkpoints written before the switch (TorchSharp's optimizers) must resume exactly, and
        // the other way round: the state classes and their binary format are TorchSharp's.
        using var scope = NewDisposeScope();
        Parameter[] straight = Start();
        using OptimizerHelper whole = Configs[config].Owned(straight);
        Parameter[] first = Start();
        using OptimizerHelper ownedFirst = Configs[config].Owned(first);
        for (int step = 0; step < 3; step++)
        {
            Train(whole, straight);
            Train(ownedFirst, first);
        }

        Parameter[] second = Clone(first);
        using OptimizerHelper torchSharpSecond = Configs[config].TorchSharp(second);
        torchSharpSecond.load_state_dict(new BinaryReader(new MemoryStream(Save(ownedFirst))));
        Parameter[] third = Clone(first);
        using OptimizerHelper ownedThird = Configs[config].Owned(third);
        for (int step = 0; step < 3; step++)
        {
            Train(whole, straight);
            Train(torchSharpSecond, second);
        }

        ownedThird.load_state_dict(new BinaryReader(new MemoryStream(Save(torchSharpSecond))));
        using (no_grad())
        {
            for (int i = 0; i < third.Length; i++)
            {
                third[i].copy_(second[i]);
            }
        }

        for (int step = 0; step < 2; step++)
        {
            Train(whole, straight);
            Train(ownedThird, third);
        }

        Bits(third).Should().Equal(Bits(straight), $"{config}: owned → TorchSharp → owned across saved states must equal an uninterrupted run");
    }

    [Fact]
    public void Step_SkipsParametersWithoutGradient()
    {
        using var scope = NewDisposeScope();
        Parameter[] parameters = [.. Start(), new Parameter(ones(3))];
        using var optimizer = new OwnedScalarOptimizers.Adam(parameters, 0.1);

        Train(optimizer, parameters);

        parameters[^1].data<float>().ToArray().Should().Equal([1f, 1f, 1f]);
    }

    /// <summary>A conv-shaped weight, a bias and a matrix with fixed values (same for every call).</summary>
    private static Parameter[] Start()
    {
        using var generator = new Generator(7);
        return
        [
            new Parameter(randn([4, 3, 3, 3], generator: generator)),
            new Parameter(randn([4], generator: generator)),
            new Parameter(randn([5, 2], generator: generator)),
        ];
    }

    private static Parameter[] Clone(Parameter[] parameters) => [.. parameters.Select(p => new Parameter(p.detach().clone()))];

    /// <summary>One step on a fixed non-quadratic loss, so gradients depend on the parameters.</summary>
    private static void Train(OptimizerHelper optimizer, Parameter[] parameters)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        Tensor loss = parameters.Take(3).Select((p, i) => (p.sin() * (i + 1)).sum() + p.pow(2).mean()).Aggregate((x, y) => x + y);
        loss.backward();
        optimizer.step();
    }

    private static byte[] Save(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        return stream.ToArray();
    }

    private static int[] Bits(Parameter[] parameters) =>
        [.. parameters.SelectMany(p => p.data<float>().ToArray()).Select(BitConverter.SingleToInt32Bits)];
}

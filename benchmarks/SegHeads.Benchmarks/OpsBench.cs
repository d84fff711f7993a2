using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>ops</c>: forward and forward+backward time of every distinct layer of the reference
/// UNet + 3-3-1 head (batch 8, 64x64), in NCHW and in channels-last, to show where a training
/// step's time goes and which layers the memory format helps.
/// </summary>
internal static class OpsBench
{
    public const string Usage = "ops [--batch 8] [--size 64] [--reps 20]";

    public static int Run(BenchArgs a, int threads)
    {
        int n = a.Int("batch", 8);
        int s = a.Int("size", 64);
        int reps = a.Int("reps", 20);
        a.RejectUnknown();
        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# ops: median of {reps} after 3 warm-up, batch {n}, threads {threads}; ms");
        Console.WriteLine($"{"layer",-34} {"count",5} {"NCHW fwd",9} {"fwd+bwd",8} {"NHWC fwd",9} {"fwd+bwd",8}");
        manual_seed(0);
        double[] totals = new double[4];
        foreach (var (name, count, cin, size, make) in Layers(s))
        {
            double[] t = new double[4];
            for (int layout = 0; layout < 2; layout++)
            {
                using nn.Module<Tensor, Tensor> m = make();
                m.train();
                (t[2 * layout], t[(2 * layout) + 1]) = Time(m, n, cin, size, layout == 1, reps, requiresGrad: cin != 3);
            }

            for (int i = 0; i < 4; i++)
            {
                totals[i] += count * t[i];
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {count,5} {t[0],9:F2} {t[1],8:F2} {t[2],9:F2} {t[3],8:F2}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"sum (count x time)",-34} {"",5} {totals[0],9:F2} {totals[1],8:F2} {totals[2],9:F2} {totals[3],8:F2}"));
        return 0;
    }

    private static IEnumerable<(string Name, int Count, int InChannels, int Size, Func<nn.Module<Tensor, Tensor>> Make)> Layers(int s)
    {
        yield return ("conv3x3 3->16 (no bias)", 1, 3, s, () => nn.Conv2d(3, 16, 3, padding: 1, bias: false));
        yield return ($"conv3x3 16->16 @{s} (no bias)", 2, 16, s, () => nn.Conv2d(16, 16, 3, padding: 1, bias: false));
        yield return ($"conv3x3 32->16 @{s} (no bias)", 1, 32, s, () => nn.Conv2d(32, 16, 3, padding: 1, bias: false));
        yield return ($"conv3x3 16->16 @{s} (head, bias)", 2, 16, s, () => nn.Conv2d(16, 16, 3, padding: 1));
        yield return ($"conv1x1 16->4 @{s} (head)", 1, 16, s, () => nn.Conv2d(16, 4, 1));
        yield return ($"conv3x3 16->32 @{s / 2}", 1, 16, s / 2, () => nn.Conv2d(16, 32, 3, padding: 1, bias: false));
        yield return ($"conv3x3 32->32 @{s / 2}", 2, 32, s / 2, () => nn.Conv2d(32, 32, 3, padding: 1, bias: false));
        yield return ($"conv3x3 64->32 @{s / 2}", 1, 64, s / 2, () => nn.Conv2d(64, 32, 3, padding: 1, bias: false));
        yield return ($"conv3x3 32->64 @{s / 4}", 1, 32, s / 4, () => nn.Conv2d(32, 64, 3, padding: 1, bias: false));
        yield return ($"conv3x3 64->64 @{s / 4}", 1, 64, s / 4, () => nn.Conv2d(64, 64, 3, padding: 1, bias: false));
        yield return ($"convT2x2 64->32 @{s / 4}", 1, 64, s / 4, () => nn.ConvTranspose2d(64, 32, 2, stride: 2));
        yield return ($"convT2x2 32->16 @{s / 2}", 1, 32, s / 2, () => nn.ConvTranspose2d(32, 16, 2, stride: 2));
        yield return ($"batchnorm+relu 16 @{s}", 6, 16, s, () => nn.Sequential(nn.BatchNorm2d(16), nn.ReLU(true)));
        yield return ($"batchnorm+relu 32 @{s / 2}", 4, 32, s / 2, () => nn.Sequential(nn.BatchNorm2d(32), nn.ReLU(true)));
        yield return ($"batchnorm+relu 64 @{s / 4}", 2, 64, s / 4, () => nn.Sequential(nn.BatchNorm2d(64), nn.ReLU(true)));
        yield return ($"maxpool2 16 @{s}", 1, 16, s, () => nn.MaxPool2d(2));
        yield return ($"maxpool2 32 @{s / 2}", 1, 32, s / 2, () => nn.MaxPool2d(2));
    }

    private static (double Forward, double Both) Time(nn.Module<Tensor, Tensor> m, int n, int cin, int size, bool channelsLast, int reps, bool requiresGrad)
    {
        var fwd = new List<double>();
        var both = new List<double>();
        for (int i = 0; i < reps + 3; i++)
        {
            using var scope = NewDisposeScope();
            Tensor x = channelsLast ? randn(n, size, size, cin).permute(0, 3, 1, 2) : randn(n, cin, size, size);
            if (requiresGrad)
            {
                x.requires_grad_();
            }

            long start = Stopwatch.GetTimestamp();
            Tensor y = m.forward(x);
            double f = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Tensor g = randn_like(y); // keeps y's memory format, as the gradient flowing back in the model does
            start = Stopwatch.GetTimestamp();
            y.backward([g]);
            double b = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            m.zero_grad();
            if (i >= 3)
            {
                fwd.Add(f);
                both.Add(f + b);
            }
        }

        return (Stats.Median(fwd), Stats.Median(both));
    }
}

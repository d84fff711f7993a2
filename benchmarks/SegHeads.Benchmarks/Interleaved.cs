using System.Diagnostics;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>Forward times of several modules on one input, interleaved call by call so that load from other processes hits them alike.</summary>
internal static class Interleaved
{
    /// <summary>
    /// Median forward time (ms) of each module, under <c>no_grad</c>. Each repetition calls every
    /// module once; the first module of a repetition rotates, so no module always runs right
    /// after another one (cache state, allocator reuse).
    /// </summary>
    /// <param name="modules">The forms to time.</param>
    /// <param name="input">Their common input.</param>
    /// <param name="warmup">Untimed repetitions first.</param>
    /// <param name="reps">Timed repetitions.</param>
    /// <param name="keep">When given, receives every timed call of module <paramref name="keepIndex"/> (for quantiles).</param>
    /// <param name="keepIndex">Which module's raw times go to <paramref name="keep"/>.</param>
    public static double[] Medians(IReadOnlyList<nn.Module<Tensor, Tensor>> modules, Tensor input, int warmup, int reps, List<double>? keep = null, int keepIndex = 0)
    {
        using var noGrad = no_grad();
        var times = modules.Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < warmup + reps; i++)
        {
            for (int j = 0; j < modules.Count; j++)
            {
                int m = (i + j) % modules.Count;
                double t = Time(modules[m], input);
                if (i >= warmup)
                {
                    times[m].Add(t);
                }
            }
        }

        keep?.AddRange(times[keepIndex]);
        return [.. times.Select(Stats.Median)];
    }

    /// <summary>Wall time (ms) of one forward; the output is disposed.</summary>
    public static double Time(nn.Module<Tensor, Tensor> m, Tensor input)
    {
        long start = Stopwatch.GetTimestamp();
        using (Tensor y = m.forward(input))
        {
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

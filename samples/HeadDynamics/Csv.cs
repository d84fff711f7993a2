using System.Globalization;
using System.Text;
using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Invariant-culture CSV and text output, written atomically.</summary>
internal static class Csv
{
    public static void Write(string path, string text) => AtomicFile.WriteAllText(path, text);

    /// <summary>Per-step losses of every run: one row per (config, seed, step).</summary>
    public static void WriteRuns(string path, IEnumerable<RunResult> runs)
    {
        var csv = new StringBuilder("config,seed,step,loss,mean_iou\n");
        foreach (RunResult r in runs)
        {
            var evals = r.EvalSteps.Zip(r.EvalMeanIoU).ToDictionary(p => p.First, p => p.Second);
            for (int i = 0; i < r.Losses.Length; i++)
            {
                long step = i + 1;
                string miou = evals.TryGetValue(step, out double m) ? m.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
                csv.Append(CultureInfo.InvariantCulture, $"{r.Config.Label},{r.Seed},{step},{r.Losses[i]:R},{miou}\n");
            }
        }

        Write(path, csv.ToString());
    }
}

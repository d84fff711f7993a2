using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Curves with spread bands over seeds.</summary>
internal static class Plots
{
    /// <summary>Training loss (moving mean of 10 steps) per configuration: mean line, min-max band over
    /// seeds; log-x, because most of the change happens in the first tenth of the steps.</summary>
    public static void Losses(LineChart chart, IEnumerable<RunResult> runs, string title)
    {
        chart.Title = title;
        chart.XLabel = "step (log scale)";
        chart.YLabel = "training loss";
        chart.LogY = true;
        chart.LogX = true;
        foreach (var group in runs.GroupBy(r => r.Config.Label))
        {
            double[][] curves = group.Select(r => Smoothing.MovingMean(r.Losses, 10)).ToArray();
            double[] x = Enumerable.Range(1, curves[0].Length).Select(i => (double)i).ToArray();
            chart.AddRuns(group.Key, x, curves);
        }
    }

    /// <summary>Validation mIoU per configuration.</summary>
    public static void MeanIoU(LineChart chart, IEnumerable<RunResult> runs, string title)
    {
        chart.Title = title;
        chart.XLabel = "step";
        chart.YLabel = "validation mIoU";
        foreach (var group in runs.GroupBy(r => r.Config.Label))
        {
            double[] x = group.First().EvalSteps.Select(s => (double)s).ToArray();
            chart.AddRuns(group.Key, x, group.Select(r => (IReadOnlyList<double>)r.EvalMeanIoU).ToArray());
        }
    }
}

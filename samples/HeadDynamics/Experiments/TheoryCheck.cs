using SegHeads.Dynamics;
using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>Simulated mode strengths of 2- and 3-matrix linear networks against Saxe et al.'s theory.</summary>
internal sealed class TheoryCheck : IExperiment
{
    public string Name => "theory";

    public string Description => "deep linear network on whitened inputs vs Saxe, McClelland & Ganguli (2014)";

    public void Run(ExperimentContext context)
    {
        int[] depths = [2, 3];
        var figure = new Figure(2, depths.Length) { Title = "mode strengths: simulation (lines) and theory (circles), residual below; s = 3, 2, 1, 0.5, u0 = 0.01, lr = 0.01" };
        figure.SetRowWeights(2, 1);
        var csv = new System.Text.StringBuilder("matrices,mode,s,step,simulated,theory\n");
        for (int i = 0; i < depths.Length; i++)
        {
            LinearNetworkSimulationResult result = LinearNetworkSimulation.Run(new LinearNetworkSimulationOptions
            {
                Matrices = depths[i],
                Steps = context.Quick ? 1000 : 2000,
            });
            LineChart chart = figure[0, i];
            chart.Title = $"{depths[i]} weight matrices";
            chart.YLabel = "mode strength u";
            LineChart residual = figure[1, i];
            residual.XLabel = "step (t / tau = lr * step)";
            residual.YLabel = "simulation − theory";
            residual.ReferenceY = 0;
            double[] steps = Enumerable.Range(0, result.Simulated[0].Count).Select(t => (double)t).ToArray();
            for (int m = 0; m < result.Simulated.Count; m++)
            {
                double s = result.Options.SingularValues[m];
                Rgba color = Palette.Category(m);
                chart.AddLine($"s = {s}", steps, result.Simulated[m], LineStyle.Solid, color);
                var theoryMarkers = chart.AddLine(string.Empty, steps, result.Theory[m], LineStyle.Solid, color);
                theoryMarkers.LineWidth = 0;
                theoryMarkers.Marker = MarkerShape.OpenCircle;
                theoryMarkers.MarkerEvery = Math.Max(1, steps.Length / 40);
                residual.AddLine(string.Empty, steps, result.Simulated[m].Zip(result.Theory[m], (a, b) => a - b).ToArray(), LineStyle.Solid, color);
                for (int t = 0; t < steps.Length; t += 10)
                {
                    csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{depths[i]},{m},{s},{t},{result.Simulated[m][t]:R},{result.Theory[m][t]:R}\n");
                }

                var (sim, theory) = result.HalfTime(m);
                context.Summarize(Name, $"{depths[i]} matrices s={s}", "half_time_lag_steps", new Stats(sim - theory, 0, sim - theory, sim - theory, 1));
                context.Summarize(Name, $"{depths[i]} matrices s={s}", "allowed_lag_steps", new Stats(result.AllowedLag(m), 0, result.AllowedLag(m), result.AllowedLag(m), 1));
                context.Summarize(Name, $"{depths[i]} matrices s={s}", "max_deviation_over_s", new Stats(result.MaxDeviation(m), 0, result.MaxDeviation(m), result.MaxDeviation(m), 1));
                context.Finding(Name,
                    $"{depths[i]} matrices, s = {s}: half-time {sim:F1} simulated vs {theory:F1} theory (lag {sim - theory:F2} steps, allowed {result.AllowedLag(m):F2}); max |sim − theory| = {result.MaxDeviation(m):P1} of s.");
            }
        }

        // Key entries for the two kinds of mark, in grey, shared by both panels.
        for (int i = 0; i < depths.Length; i++)
        {
            figure[0, i].AddLine("simulation", [], [], LineStyle.Solid, new Rgba(90, 90, 90));
            var theoryKey = figure[0, i].AddLine("theory", [], [], LineStyle.Solid, new Rgba(90, 90, 90));
            theoryKey.LineWidth = 0;
            theoryKey.Marker = MarkerShape.OpenCircle;
        }

        Csv.Write(context.PathFor(Name, "modes.csv"), csv.ToString());
        figure.SavePng(context.PathFor(Name, "theory.png"), 640, 340);
    }
}

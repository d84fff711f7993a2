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
        var figure = new Figure(1, depths.Length) { Title = "mode strengths: simulation (solid) over theory (dashed); s = 3, 2, 1, 0.5, u0 = 0.01, lr = 0.01" };
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
            chart.XLabel = "step (t / tau = lr * step)";
            chart.YLabel = "mode strength u";
            double[] steps = Enumerable.Range(0, result.Simulated[0].Count).Select(t => (double)t).ToArray();
            for (int m = 0; m < result.Simulated.Count; m++)
            {
                double s = result.Options.SingularValues[m];
                Rgba color = Palette.Category(m);
                chart.AddLine($"sim s={s}", steps, result.Simulated[m], LineStyle.Solid, color);
                chart.AddLine($"theory s={s}", steps, result.Theory[m], LineStyle.Dashed, color).LineWidth = 1.5;
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

        Csv.Write(context.PathFor(Name, "modes.csv"), csv.ToString());
        figure.ToCanvas(640, 460).SavePng(context.PathFor(Name, "theory.png"));
    }
}

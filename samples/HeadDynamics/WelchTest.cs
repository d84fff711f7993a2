namespace SegHeads.Samples.HeadDynamics;

/// <summary>Result of Welch's unequal-variance t test of mean(a) − mean(b).</summary>
/// <param name="Difference">mean(a) − mean(b).</param>
/// <param name="T">Welch's t statistic.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom.</param>
/// <param name="P">Two-sided p-value, uncorrected.</param>
internal readonly record struct WelchTest(double Difference, double T, double DegreesOfFreedom, double P);

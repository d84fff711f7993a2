namespace SegHeads.Dynamics;

/// <summary>
/// The end-to-end linear map of a linear head at one moment: its collapsed kernel
/// <c>[K, C, k, k]</c> (float64, flattened) and the singular values of that kernel read as a
/// matrix from a <c>C·k·k</c> patch to K logits.
/// </summary>
/// <param name="Step">Training steps done when captured.</param>
/// <param name="Shape">Kernel shape <c>[K, C, k, k]</c>.</param>
/// <param name="Weight">Kernel weights, row-major.</param>
/// <param name="Bias">Bias <c>[K]</c>.</param>
/// <param name="SingularValues">Singular values of the <c>[K, C·k·k]</c> weight matrix, descending.</param>
public sealed record EndToEndSnapshot(long Step, IReadOnlyList<long> Shape, IReadOnlyList<double> Weight, IReadOnlyList<double> Bias, IReadOnlyList<double> SingularValues)
{
    /// <summary>Kernel size k.</summary>
    public int KernelSize => (int)Shape[2];

    /// <summary>
    /// Effective rank (Roy and Vetterli 2007): <c>exp(entropy of σᵢ / Σσ)</c>; between 1 and the
    /// number of singular values, lower when a few modes dominate.
    /// </summary>
    public double EffectiveRank
    {
        get
        {
            double total = SingularValues.Sum();
            if (total <= 0)
            {
                return 0;
            }

            double entropy = SingularValues.Where(v => v > 0).Select(v => v / total).Sum(p => -p * Math.Log(p));
            return Math.Exp(entropy);
        }
    }
}

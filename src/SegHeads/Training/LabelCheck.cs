using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>Finds the first out-of-range label of a set of masks and names its set and sample.</summary>
internal static class LabelCheck
{
    /// <summary>Throws unless every label of <paramref name="masks"/> is in <c>[0, classes)</c> or the ignore index.</summary>
    /// <param name="masks">Masks <c>[N, H, W]</c>, integer.</param>
    /// <param name="classes">Classes the model predicts (2 for a binary model).</param>
    /// <param name="ignoreIndex">The loss's ignore index.</param>
    /// <param name="setName">"training", "validation" or "evaluation", for the message.</param>
    /// <param name="sampleIndex">Maps a row of <paramref name="masks"/> to the sample's index in its dataset.</param>
    /// <param name="paramName">The argument to blame.</param>
    /// <exception cref="ArgumentException">A label is out of range; the message names the set, sample and label.</exception>
    public static void Require(Tensor masks, long classes, long ignoreIndex, string setName, Func<long, long> sampleIndex, string paramName)
    {
        using var scope = NewDisposeScope();
        Tensor bad = ScalarArgs.OutOfRange(masks, classes, ignoreIndex);
        if (!bad.any().item<bool>())
        {
            return;
        }

        long row = bad.flatten(1).any(1).nonzero()[0, 0].item<long>();
        long label = masks[row].masked_select(bad[row])[0].item<long>();
        throw new ArgumentException(
            $"The {setName} sample {sampleIndex(row)} has label {label}, but the model predicts {classes} classes: labels must be in [0, {classes}) or the ignore index {ignoreIndex}.",
            paramName);
    }
}

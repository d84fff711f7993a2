using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training.Optimizers;

/// <summary>
/// The moment update and bias-corrected step shared by Adam and AdamW, in TorchSharp 0.107's operation
/// order (so results stay bitwise identical to its optimizers) with owned scalars. Made once per
/// parameter group and step: the group's constants become scalars once, not once per parameter.
/// </summary>
internal sealed class AdamMoments : IDisposable
{
    private readonly double beta1;
    private readonly double beta2;
    private readonly double learningRate;
    private readonly bool amsgrad;
    private readonly Scalar b1;
    private readonly Scalar b2;
    private readonly Scalar g1;
    private readonly Scalar g2;
    private readonly Scalar epsilon;

    // NOTE: add_(Scalar) without alpha would pass an implicit alpha = 1 (TorchSharp's overload).
    private readonly Scalar one = 1.ToScalar();

    /// <summary>Holds the group's hyper-parameters, as TorchSharp's Adam options name them.</summary>
    public AdamMoments(double beta1, double beta2, double eps, double learningRate, bool amsgrad)
    {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.learningRate = learningRate;
        this.amsgrad = amsgrad;
        b1 = beta1.ToScalar();
        b2 = beta2.ToScalar();
        g1 = (1.0 - beta1).ToScalar();
        g2 = (1.0 - beta2).ToScalar();
        epsilon = eps.ToScalar();
    }

    /// <summary>Updates the moments of one parameter and then the parameter, in place.</summary>
    /// <param name="parameter">The parameter (any shape).</param>
    /// <param name="grad">Its gradient after any weight-decay term, same shape.</param>
    /// <param name="step">The parameter's step count, already incremented (1 on the first update).</param>
    /// <param name="average">First moment, same shape; updated.</param>
    /// <param name="squares">Second moment, same shape; updated.</param>
    /// <param name="maxSquares">AMSGrad's running maximum of <paramref name="squares"/>; replaced when AMSGrad is on.</param>
    public void Update(Parameter parameter, Tensor grad, long step, Tensor average, Tensor squares, ref Tensor? maxSquares)
    {
        double correction1 = 1.0 - Math.Pow(beta1, step);
        double correction2 = 1.0 - Math.Pow(beta2, step);
        using Scalar root = Math.Sqrt(correction2).ToScalar();
        using Scalar stepSize = (0.0 - learningRate / correction1).ToScalar();
        average.mul_(b1).add_(grad, g1);
        squares.mul_(b2).addcmul_(grad, grad.conj(), g2);
        Tensor source = squares;
        if (amsgrad)
        {
            Tensor previous = maxSquares!;
            maxSquares = maximum(previous, squares).DetachFromDisposeScope();
            previous.Dispose();
            source = maxSquares;
        }

        Tensor denominator = source.sqrt().div_(root).add_(epsilon, one);
        parameter.addcdiv_(average, denominator, stepSize);
    }

    /// <summary>Frees the group's scalars.</summary>
    public void Dispose()
    {
        b1.Dispose();
        b2.Dispose();
        g1.Dispose();
        g2.Dispose();
        epsilon.Dispose();
        one.Dispose();
    }
}

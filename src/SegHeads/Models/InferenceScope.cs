using static TorchSharp.torch;

namespace SegHeads.Models;

/// <summary>
/// Eval mode and no gradient tracking until disposed, then the module's previous mode back: the
/// one way <c>Predict</c> and the trainer's evaluation run a model (see <see cref="SegmentationModel.BeginInference"/>).
/// </summary>
public sealed class InferenceScope : IDisposable
{
    private readonly nn.Module module;
    private readonly bool wasTraining;
    private readonly IDisposable noGrad;
    private bool disposed;

    internal InferenceScope(nn.Module module)
    {
        this.module = module;
        wasTraining = module.training;
        module.eval();
        noGrad = no_grad();
    }

    /// <summary>Restores gradient tracking and the previous training mode.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        noGrad.Dispose();
        module.train(wasTraining);
    }
}

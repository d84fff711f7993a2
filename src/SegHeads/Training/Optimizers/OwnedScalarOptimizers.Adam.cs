using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training.Optimizers;

public static partial class OwnedScalarOptimizers
{
    /// <summary>
    /// TorchSharp's Adam (with L2 weight decay and AMSGrad) with every scalar argument owned for the length
    /// of its native call; see <see cref="OwnedScalarOptimizers"/> for the race this avoids. The arithmetic, the
    /// state and the saved state format are TorchSharp's: updates are bitwise identical.
    /// </summary>
    public sealed class Adam : TorchSharp.Modules.Adam
    {
        /// <summary>Creates the optimizer (the parameters and defaults of TorchSharp's <c>optim.Adam</c>).</summary>
        /// <param name="parameters">The parameters to optimize (any shapes).</param>
        /// <param name="learningRate">Learning rate, non-negative.</param>
        /// <param name="beta1">Decay of the gradient average, in [0, 1).</param>
        /// <param name="beta2">Decay of the squared-gradient average, in [0, 1).</param>
        /// <param name="eps">Added to the denominator.</param>
        /// <param name="weightDecay">L2 penalty added to the gradient.</param>
        /// <param name="amsgrad">Use the running maximum of the squared-gradient average.</param>
        /// <param name="maximize">Ascend instead of descend.</param>
        public Adam(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
            : base(parameters, learningRate, beta1, beta2, eps, weightDecay, amsgrad, maximize)
        {
        }

        /// <summary>One update of every parameter that has a gradient.</summary>
        /// <param name="closure">Optional closure that re-evaluates the loss.</param>
        /// <returns>The closure's loss, or null.</returns>
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            Options options = group.Options;
            double weightDecay = options.weight_decay!.Value;
            using var moments = new AdamMoments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value, options.amsgrad!.Value);
            using Scalar decay = weightDecay.ToScalar();
            foreach (Parameter parameter in group.Parameters)
            {
                var state = (State)_state[parameter.Handle];
                Tensor? grad = parameter.grad;
                if (grad is null)
                {
                    continue;
                }

                if (options.maximize!.Value)
                {
                    grad = -grad;
                }

                state.step++;
                if (weightDecay != 0.0)
                {
                    grad = grad.add(parameter, decay);
                }

                moments.Update(parameter, grad, state.step, state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq);
            }
        }, closure);
    }
}

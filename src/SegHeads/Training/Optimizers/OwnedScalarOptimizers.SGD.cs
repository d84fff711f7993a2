using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training.Optimizers;

public static partial class OwnedScalarOptimizers
{
    /// <summary>
    /// TorchSharp's SGD (momentum, dampening, weight decay, Nesterov) with every scalar argument owned for
    /// the length of its native call; see <see cref="OwnedScalarOptimizers"/> for the race this avoids.
    /// The arithmetic, the state and the saved state format are TorchSharp's: updates are bitwise identical.
    /// </summary>
    public sealed class SGD : TorchSharp.Modules.SGD
    {
        /// <summary>Creates the optimizer (the parameters and defaults of TorchSharp's <c>optim.SGD</c>).</summary>
        /// <param name="parameters">The parameters to optimize (any shapes).</param>
        /// <param name="learningRate">Learning rate, non-negative.</param>
        /// <param name="momentum">Momentum factor (0: plain SGD).</param>
        /// <param name="dampening">Dampening of the momentum.</param>
        /// <param name="weightDecay">L2 penalty added to the gradient.</param>
        /// <param name="nesterov">Nesterov momentum.</param>
        /// <param name="maximize">Ascend instead of descend.</param>
        public SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
            : base(parameters, learningRate, momentum, dampening, weightDecay, nesterov, maximize)
        {
        }

        /// <summary>One update of every parameter that has a gradient.</summary>
        /// <param name="closure">Optional closure that re-evaluates the loss.</param>
        /// <returns>The closure's loss, or null.</returns>
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            Options options = group.Options;
            double momentum = options.momentum!.Value;
            double weightDecay = options.weight_decay!.Value;
            bool nesterov = options.nesterov!.Value;
            using Scalar decay = weightDecay.ToScalar();
            using Scalar keep = momentum.ToScalar();
            using Scalar fresh = (1.0 - options.dampening!.Value).ToScalar();
            using Scalar rate = (options.maximize!.Value ? options.LearningRate!.Value : -options.LearningRate!.Value).ToScalar();
            foreach (Parameter parameter in group.Parameters)
            {
                var state = (State)_state[parameter.Handle];
                Tensor? grad = parameter.grad;
                if (grad is null)
                {
                    continue;
                }

                if (weightDecay != 0.0)
                {
                    grad = grad.add(parameter, decay);
                }

                if (momentum != 0.0)
                {
                    Tensor? buffer = state.momentum_buffer;
                    if (buffer is null)
                    {
                        buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                    }
                    else
                    {
                        buffer.mul_(keep).add_(grad, fresh);
                    }

                    grad = nesterov ? grad.add(buffer, keep) : buffer;
                    state.momentum_buffer = buffer;
                }

                parameter.add_(grad, rate);
            }
        }, closure);
    }
}

namespace SegHeads.Training.Optimizers;

/// <summary>
/// TorchSharp's SGD, Adam and AdamW with every scalar argument owned for the length of its native call.
/// TorchSharp 0.107's own <c>step</c> converts doubles to finalizable scalars and hands their raw handles
/// to libtorch without keeping them alive; a garbage collection started on another thread can free one
/// mid-call (a raw "Unknown scalar type" error, or an update with a wrong factor). The arithmetic, the
/// state and the saved state are TorchSharp's: updates are bitwise identical, and because TorchSharp
/// records an optimizer's class name in its saved state, these classes carry the same names, so state
/// and checkpoints written by either load into the other.
/// </summary>
/// <example><code>
/// var trainer = new Trainer(model, new TrainerOptions
/// {
///     OptimizerFactory = (parameters, lr) => new OwnedScalarOptimizers.SGD(parameters, lr, momentum: 0.9, nesterov: true),
/// });
/// </code></example>
public static partial class OwnedScalarOptimizers
{
}

namespace SegHeads.Training;

/// <summary>The optimizer a <see cref="Trainer"/> uses.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (heavy-ball) momentum; weight decay as an L2 term.</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba 2015); weight decay as an L2 term.</summary>
    Adam,

    /// <summary>AdamW (Loshchilov and Hutter 2019): decoupled weight decay.</summary>
    AdamW,

    /// <summary>
    /// Made by <see cref="TrainerOptions.OptimizerFactory"/>. Setting a factory implies this kind;
    /// choosing it without a factory is an error.
    /// </summary>
    Custom,
}

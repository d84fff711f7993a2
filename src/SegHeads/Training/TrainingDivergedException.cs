namespace SegHeads.Training;

/// <summary>The loss became NaN or infinite; training stopped before the bad step touched the weights.</summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public TrainingDivergedException()
        : base("The training loss is not finite.")
    {
    }

    /// <summary>The step whose loss was not finite (1-based).</summary>
    public long Step { get; init; }

    /// <summary>The loss value.</summary>
    public double Loss { get; init; }
}

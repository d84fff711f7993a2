namespace SegHeads.Training;

/// <summary>
/// A checkpoint cannot be read or written: it is corrupt, truncated, saved from a different model,
/// optimizer or run, or its path is unusable. The message names the file and the reason.
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public CheckpointException()
        : base("The checkpoint could not be read.")
    {
    }

    /// <summary>
    /// When a save failed during <see cref="Trainer.Fit"/>: the run's history up to and including
    /// the step whose checkpoint could not be written (the last good checkpoint is intact);
    /// otherwise <see langword="null"/>.
    /// </summary>
    public TrainingHistory? History { get; internal set; }
}

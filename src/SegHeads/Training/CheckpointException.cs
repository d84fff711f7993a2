namespace SegHeads.Training;

/// <summary>A checkpoint is corrupt, truncated, or was saved from a different model or optimizer.</summary>
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
}

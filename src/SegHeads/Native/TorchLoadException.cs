namespace SegHeads.Native;

/// <summary>TorchSharp's native library could not be loaded; the message names the file and the reason.</summary>
public sealed class TorchLoadException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public TorchLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TorchLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public TorchLoadException()
        : base("TorchSharp's native library could not be loaded.")
    {
    }
}

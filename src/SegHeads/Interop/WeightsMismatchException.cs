using System.Collections.ObjectModel;

namespace SegHeads.Interop;

/// <summary>
/// A weights file does not fit the module it is loaded into: keys are missing or unexpected, or a
/// tensor's shape or dtype differs. The message lists them; the module was left unchanged.
/// </summary>
public sealed class WeightsMismatchException : IOException
{
    /// <summary>Creates the exception with the three lists.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="missingKeys">Keys of the module that the file lacks.</param>
    /// <param name="unexpectedKeys">Keys in the file that the module lacks.</param>
    /// <param name="mismatches">One line per tensor whose shape or dtype differs: key, expected, actual.</param>
    public WeightsMismatchException(string message, IEnumerable<string> missingKeys, IEnumerable<string> unexpectedKeys, IEnumerable<string> mismatches)
        : base(message)
    {
        MissingKeys = new ReadOnlyCollection<string>([.. missingKeys]);
        UnexpectedKeys = new ReadOnlyCollection<string>([.. unexpectedKeys]);
        Mismatches = new ReadOnlyCollection<string>([.. mismatches]);
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public WeightsMismatchException(string message)
        : this(message, [], [], [])
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public WeightsMismatchException()
        : this("The weights do not fit the module.")
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WeightsMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        MissingKeys = new ReadOnlyCollection<string>([]);
        UnexpectedKeys = new ReadOnlyCollection<string>([]);
        Mismatches = new ReadOnlyCollection<string>([]);
    }

    /// <summary>Keys of the module that the file lacks.</summary>
    public ReadOnlyCollection<string> MissingKeys { get; }

    /// <summary>Keys in the file that the module lacks.</summary>
    public ReadOnlyCollection<string> UnexpectedKeys { get; }

    /// <summary>Tensors whose shape or dtype differs, one line each: key, the module's shape and dtype, the file's.</summary>
    public ReadOnlyCollection<string> Mismatches { get; }
}

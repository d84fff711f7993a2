namespace SegHeads.Imaging.Validation;

/// <summary>Bad data on disk: every message names the file (or folder) concerned.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates an exception for one problem.</summary>
    /// <param name="path">The file or folder concerned.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DatasetException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Problems = [new DatasetProblem(path, message)];
    }

    /// <summary>Creates an exception for several problems found at once.</summary>
    /// <param name="problems">The problems (at least one).</param>
    public DatasetException(IReadOnlyList<DatasetProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates an exception with a message only (prefer the constructors that name the file).</summary>
    public DatasetException()
        : this([])
    {
    }

    /// <summary>Creates an exception with a message only (prefer the constructors that name the file).</summary>
    /// <param name="message">The message.</param>
    public DatasetException(string message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Creates an exception with a message only (prefer the constructors that name the file).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The underlying error.</param>
    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>The problems, each with its file.</summary>
    public IReadOnlyList<DatasetProblem> Problems { get; }

    private static string Describe(IReadOnlyList<DatasetProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "The dataset has a problem.",
            1 => problems[0].ToString(),
            _ => $"The dataset has {problems.Count} problems:{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)),
        };
    }
}

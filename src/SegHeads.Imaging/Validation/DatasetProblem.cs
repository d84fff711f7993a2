namespace SegHeads.Imaging.Validation;

/// <summary>One problem found in a dataset: the file (or folder) and what is wrong with it.</summary>
/// <param name="Path">The file or folder concerned.</param>
/// <param name="Message">What is wrong and, where it helps, what to do about it.</param>
public sealed record DatasetProblem(string Path, string Message)
{
    /// <summary>The problem as <c>path: message</c>.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => $"{Path}: {Message}";
}

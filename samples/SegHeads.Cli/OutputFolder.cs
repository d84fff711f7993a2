namespace SegHeads.Cli;

/// <summary>Checks that an output folder can be written before any work starts, so a long run never ends with nothing saved.</summary>
public static class OutputFolder
{
    /// <summary>Creates the folder if needed and proves it writable with a probe file.</summary>
    /// <param name="path">The folder.</param>
    /// <param name="option">The option that named it, for the message (e.g. <c>--out</c>).</param>
    /// <returns>The full path.</returns>
    /// <exception cref="IOException">The folder cannot be created or written; the message names it and says why.</exception>
    public static string Require(string path, string option)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string probe = Path.Combine(full, $".write-probe-{Environment.ProcessId}");
        try
        {
            if (File.Exists(full))
            {
                throw new IOException("it is a file, not a folder");
            }

            Directory.CreateDirectory(full);
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write to the output folder '{full}' ({option}): {e.Message.TrimEnd('.')}. Nothing was run.", e);
        }
    }
}

namespace SegHeads.Training;

/// <summary>Checks that a checkpoint path can be written, with messages that say which path and why.</summary>
internal static class CheckpointPath
{
    /// <summary>The full path, after checking it is not a folder and creating its folder.</summary>
    /// <exception cref="CheckpointException">The path is a folder, or its folder cannot be created.</exception>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new CheckpointException($"The checkpoint path {full} is a folder; give a file path such as {Path.Combine(full, "run.ckpt")}.");
        }

        string folder = Path.GetDirectoryName(full)!;
        for (string? ancestor = folder; ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                throw new CheckpointException($"The checkpoint path {full} cannot be created: {ancestor} is a file, not a folder.");
            }

            if (Directory.Exists(ancestor))
            {
                break;
            }
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"The checkpoint folder {folder} cannot be created: {e.Message}", e);
        }

        return full;
    }

    /// <summary>
    /// <see cref="Resolve"/>, then proves the folder is writable by creating and deleting the
    /// checkpoint's temporary file (the only file a save creates besides the checkpoint).
    /// </summary>
    /// <exception cref="CheckpointException">The path cannot be written; the message names it and why.</exception>
    public static string RequireWritable(string path)
    {
        string full = Resolve(path);
        string temp = full + Checkpoint.TemporarySuffix;
        try
        {
            using (new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
            }

            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"The checkpoint path {full} is not writable (tried {temp}): {e.Message}", e);
        }

        return full;
    }
}

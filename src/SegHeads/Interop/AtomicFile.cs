namespace SegHeads.Interop;

/// <summary>Writes a file through a temporary file beside it that is renamed over the target.</summary>
internal static class AtomicFile
{
    /// <summary>Suffix of the temporary file.</summary>
    public const string TemporarySuffix = ".segheads-tmp";

    /// <summary>
    /// Runs <paramref name="write"/> on <c>&lt;path&gt;.segheads-tmp</c>, flushes it to disk and renames it over
    /// <paramref name="path"/>, so readers see the old file or the new one, never a torn one.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        // NOTE: a fixed temporary name means a process killed mid-write leaves at most one stale
        // file beside the target, and the next save replaces it.
        string temp = full + TemporarySuffix;
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

using System.Runtime.InteropServices;
using TorchSharp;

namespace SegHeads.Native;

/// <summary>
/// Makes sure TorchSharp's native library is loaded, and when it cannot be, says why: the file
/// and the library versions this host lacks, instead of TorchSharp's generic "doesn't contain a
/// reference to libtorch-cpu-linux-x64" message.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static volatile bool loaded;

    /// <summary>
    /// Loads TorchSharp's CPU backend once. Every SegHeads module calls this before it touches
    /// native code, so a load failure surfaces as a <see cref="TorchLoadException"/>.
    /// </summary>
    /// <exception cref="TorchLoadException">The native library could not be loaded; the message says why.</exception>
    public static void EnsureLoaded()
    {
        if (loaded)
        {
            return;
        }

        lock (Gate)
        {
            if (loaded)
            {
                return;
            }

            // NOTE: try the copy the app would load ourselves first: when it fails, TorchSharp's own
            // fallback copies ~480 MB of libtorch next to the app and then reports a misleading reason.
            string? library = FindLibTorchSharp();
            if (library is not null && !NativeLibrary.TryLoad(library, out _))
            {
                throw new TorchLoadException(Explain(library, LoaderError(library)));
            }

            if (!torch.TryInitializeDeviceType(DeviceType.CPU))
            {
                throw new TorchLoadException(
                    "TorchSharp's native backend did not initialise. Reference a backend package such as TorchSharp-cpu "
                    + $"(looked for libLibTorchSharp next to {AppContext.BaseDirectory}).");
            }

            loaded = true;
        }
    }

    /// <summary>Calls <see cref="EnsureLoaded"/> and returns <paramref name="name"/>, for use in base-constructor arguments.</summary>
    internal static string Ready(string name)
    {
        EnsureLoaded();
        return name;
    }

    /// <summary>
    /// Explains why a native library does not load on this host: which version needs of the file
    /// the host's libstdc++ cannot satisfy and whether they are weak.
    /// </summary>
    /// <param name="library">Path of the library that failed to load.</param>
    /// <param name="loaderError">The dynamic loader's own message, if any.</param>
    /// <returns>A message naming the file and the missing versions.</returns>
    public static string Explain(string library, string? loaderError)
    {
        var text = new System.Text.StringBuilder();
        text.Append("TorchSharp's native library ").Append(library).Append(" could not be loaded");
        text.Append(string.IsNullOrWhiteSpace(loaderError) ? "." : ": " + loaderError.Trim());
        IReadOnlyList<string> missing = MissingStrongVersions(library, out string? host);
        if (missing.Count > 0)
        {
            text.Append(" It needs ").Append(string.Join(", ", missing)).Append(" from libstdc++, which this host's ").Append(host).Append(" does not define, ");
            text.Append("and the need is not marked weak. SegHeads' build step (buildTransitive/SegHeads.targets) marks it weak in the ");
            text.Append("build and publish output; it did not run on this copy. Rebuild the app with SegHeads referenced, ");
            text.Append("or set SegHeadsWeakenVersionNeeds if another version is missing.");
        }

        return text.ToString();
    }

    /// <summary>
    /// Lists the libstdc++ versions that <paramref name="library"/> requires (not weak) and the
    /// host's libstdc++ lacks. Empty when nothing is missing or the host's libstdc++ is not found.
    /// </summary>
    internal static IReadOnlyList<string> MissingStrongVersions(string library, out string? hostLibStdCxx)
    {
        hostLibStdCxx = ElfVersions.FindHostLibStdCxx();
        if (hostLibStdCxx is null || !OperatingSystem.IsLinux())
        {
            return [];
        }

        try
        {
            var defined = new HashSet<string>(ElfVersions.ReadDefinitions(hostLibStdCxx), StringComparer.Ordinal);
            return ElfVersions.ReadNeeds(library)
                .Where(n => n.Library.StartsWith("libstdc++", StringComparison.Ordinal) && !n.IsWeak && !defined.Contains(n.Version))
                .Select(n => n.Version)
                .Distinct()
                .ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? FindLibTorchSharp()
    {
        string? file = OperatingSystem.IsLinux() ? "libLibTorchSharp.so"
            : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib"
            : OperatingSystem.IsWindows() ? "LibTorchSharp.dll"
            : null;
        if (file is null)
        {
            return null;
        }

        string rid = RuntimeInformation.RuntimeIdentifier;
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", file),
            Path.Combine(AppContext.BaseDirectory, file),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string? LoaderError(string library)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }
    }
}

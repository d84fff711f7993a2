using System.Globalization;
using System.Text;
using SegHeads.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Interop;

/// <summary>
/// Saves and loads a module's parameters and buffers as safetensors under PyTorch's state-dict keys,
/// so that <c>interop/pytorch/segheads.py</c> (or any PyTorch definition of the same module tree)
/// loads them with <c>load_state_dict(strict=True)</c>, and SegHeads loads PyTorch's.
/// </summary>
/// <remarks>
/// The keys are TorchSharp's own state-dict keys, which equal PyTorch's for the same tree
/// (e.g. <c>backbone.encoders.0.0.conv.weight</c>, <c>head.layers.0.norm.num_batches_tracked</c>);
/// files list them in PyTorch's order (per module: parameters, then buffers), not TorchSharp's
/// (all parameters, then all buffers). Loading is strict: every key must be present with the same
/// shape and dtype, and nothing changes unless everything fits.
/// </remarks>
public static class ModelWeights
{
    private const int ListedPerKind = 12;

    /// <summary>The state-dict keys of <paramref name="module"/> in PyTorch's order: the keys a saved file holds.</summary>
    /// <param name="module">Any module.</param>
    /// <returns>Keys such as <c>head.layers.0.conv.weight</c>.</returns>
    public static IReadOnlyList<string> Keys(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return [.. PyTorchStateDict.Entries(module).Select(e => e.Key)];
    }

    /// <summary>
    /// Writes every parameter and persistent buffer of <paramref name="module"/> (on any device, in
    /// their own dtypes) as a safetensors file, atomically (a temporary file, then a rename).
    /// </summary>
    /// <param name="module">The module.</param>
    /// <param name="path">Target file; its folder is created if needed.</param>
    /// <param name="metadata">Optional string metadata for the header's <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A tensor has a dtype safetensors has no name for here.</exception>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Safetensors.Write(path, PyTorchStateDict.Entries(module), metadata);
    }

    /// <summary>
    /// Loads a safetensors file into <paramref name="module"/> strictly: the file must hold exactly the
    /// module's keys (<see cref="Keys"/>), each with the module's shape and dtype. Everything is
    /// checked before anything is copied, so on failure the module is unchanged. Tensors are copied
    /// to the module's devices.
    /// </summary>
    /// <param name="module">A module of the architecture that was saved.</param>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The file's metadata (empty when it has none).</returns>
    /// <exception cref="WeightsMismatchException">Keys are missing or unexpected, or shapes or dtypes differ; the message lists them.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyDictionary<string, string> Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafetensorsFile file = Safetensors.Read(path);
        LoadFrom(module, file, path);
        return file.Metadata;
    }

    /// <summary>The strict load of <see cref="Load"/> from a file already read.</summary>
    internal static void LoadFrom(nn.Module module, SafetensorsFile file, string path)
    {
        List<KeyValuePair<string, Tensor>> targets = PyTorchStateDict.Entries(module);
        RequireFits(targets, file, Path.GetFullPath(path));
        using (no_grad())
        {
            foreach ((string key, Tensor target) in targets)
            {
                target.copy_(file.Tensors[key]);
            }
        }
    }

    private static void RequireFits(List<KeyValuePair<string, Tensor>> targets, SafetensorsFile file, string path)
    {
        var expected = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        var missing = targets.Select(t => t.Key).Where(k => !file.Tensors.ContainsKey(k)).ToList();
        var unexpected = file.Names.Where(n => !expected.Contains(n)).ToList();
        var mismatches = new List<string>();
        var dtypes = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((string key, Tensor target) in targets)
        {
            if (file.Tensors.TryGetValue(key, out Tensor? source)
                && (source.dtype != target.dtype || !source.shape.SequenceEqual(target.shape)))
            {
                if (source.dtype != target.dtype)
                {
                    dtypes.Add($"{source.dtype} in the file where the module has {target.dtype}");
                }

                mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{key}: expected {target.dtype} {Shapes.Format(target)}, file has {source.dtype} {Shapes.Format(source)}"));
            }
        }

        if (missing.Count == 0 && unexpected.Count == 0 && mismatches.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"The weights in {path} do not fit the module ({targets.Count} tensors expected, {file.Names.Count} in the file); nothing was loaded.");
        Append(message, "missing keys", missing);
        Append(message, "unexpected keys", unexpected);
        Append(message, "shape or dtype mismatches", mismatches);
        if (dtypes.Count > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $" Dtypes differ ({string.Join("; ", dtypes)}): convert the module with module.to(dtype) before loading.");
        }

        throw new WeightsMismatchException(message.ToString(), missing, unexpected, mismatches);
    }

    private static void Append(StringBuilder message, string title, List<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        message.Append(CultureInfo.InvariantCulture, $" {items.Count} {title}: {string.Join("; ", items.Take(ListedPerKind))}");
        message.Append(items.Count > ListedPerKind ? "; …." : ".");
    }
}

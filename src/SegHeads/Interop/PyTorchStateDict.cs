using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Interop;

/// <summary>
/// A module's state dict in PyTorch's order. The keys are TorchSharp's, which equal PyTorch's for the
/// same module tree (field name = attribute name, list index = <c>ModuleList</c> index); only the
/// order differs: TorchSharp lists every parameter before every buffer, PyTorch walks the modules
/// depth-first and lists each module's own parameters, then its own buffers.
/// </summary>
internal static class PyTorchStateDict
{
    /// <summary>Every persistent parameter and buffer of <paramref name="module"/>, keyed and ordered as PyTorch's <c>state_dict()</c>.</summary>
    public static List<KeyValuePair<string, Tensor>> Entries(nn.Module module)
    {
        // state_dict() decides which tensors are persistent; the walk below only orders them.
        Dictionary<string, Tensor> state = module.state_dict();
        var parameters = new HashSet<string>(module.named_parameters().Select(p => p.name), StringComparer.Ordinal);
        var prefixes = new List<string> { string.Empty };
        prefixes.AddRange(module.named_modules().Select(m => m.name).Where(n => n.Length > 0));
        var modulesInOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string prefix in prefixes)
        {
            modulesInOrder.TryAdd(prefix, modulesInOrder.Count);
        }

        int position = 0;
        var keyed = state.Select(kv =>
        {
            int dot = kv.Key.LastIndexOf('.');
            string owner = dot < 0 ? string.Empty : kv.Key[..dot];
            int moduleIndex = modulesInOrder.TryGetValue(owner, out int i) ? i : int.MaxValue;
            return (Module: moduleIndex, IsBuffer: parameters.Contains(kv.Key) ? 0 : 1, Position: position++, Entry: kv);
        });
        return [.. keyed.OrderBy(k => k.Module).ThenBy(k => k.IsBuffer).ThenBy(k => k.Position).Select(k => k.Entry)];
    }
}

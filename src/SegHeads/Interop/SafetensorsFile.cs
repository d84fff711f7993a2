using System.Collections.ObjectModel;
using static TorchSharp.torch;

namespace SegHeads.Interop;

/// <summary>
/// The contents of a safetensors file read by <see cref="Safetensors.Read"/>: named CPU tensors in
/// file order and the optional string metadata. Disposing it disposes the tensors.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    internal SafetensorsFile(IReadOnlyList<string> names, Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Names = new ReadOnlyCollection<string>([.. names]);
        this.tensors = tensors;
        Tensors = new ReadOnlyDictionary<string, Tensor>(tensors);
        Metadata = metadata;
    }

    /// <summary>The tensor names in the order the header lists them.</summary>
    public ReadOnlyCollection<string> Names { get; }

    /// <summary>The tensors by name: CPU, contiguous, with the file's shapes and dtypes. Owned by this object.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> (string to string); empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="Names"/>.</param>
    /// <returns>The tensor, owned by this object.</returns>
    /// <exception cref="KeyNotFoundException">The file has no tensor of that name; the message lists the names it has.</exception>
    public Tensor this[string name] =>
        tensors.TryGetValue(name, out Tensor? t)
            ? t
            : throw new KeyNotFoundException($"The safetensors file has no tensor '{name}'; it has: {string.Join(", ", Names)}.");

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (Tensor t in tensors.Values)
        {
            t.Dispose();
        }

        tensors.Clear();
    }
}

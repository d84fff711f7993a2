using SegHeads.Blocks;
namespace SegHeads.Heads;

/// <summary>
/// One layer of a head spec: the kernel shapes of its parallel branches, summed (a plain conv layer
/// has one square branch). Branches are kept in a canonical order (largest area first), so two
/// layers with the same set of branches are equal.
/// </summary>
public sealed class HeadLayer : IEquatable<HeadLayer>
{
    private readonly KernelShape[] branches;

    /// <summary>Creates a layer from its branches.</summary>
    /// <param name="branches">One or more kernel shapes; order does not matter.</param>
    /// <exception cref="ArgumentException">No branch was given or a shape appears twice.</exception>
    public HeadLayer(IEnumerable<KernelShape> branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        this.branches = [.. branches.OrderByDescending(b => b.Area).ThenByDescending(b => b.Height)];
        if (this.branches.Length == 0)
        {
            throw new ArgumentException("A layer needs at least one kernel.", nameof(branches));
        }

        for (int i = 1; i < this.branches.Length; i++)
        {
            if (this.branches[i] == this.branches[i - 1])
            {
                throw new ArgumentException($"A layer lists kernel {this.branches[i]} twice; each branch shape may appear once.", nameof(branches));
            }
        }
    }

    /// <summary>A single square conv layer.</summary>
    /// <param name="kernelSize">Odd kernel size.</param>
    public static HeadLayer Conv(int kernelSize) => new([KernelShape.Square(kernelSize)]);

    /// <summary>The branches, largest area first.</summary>
    public IReadOnlyList<KernelShape> Branches => branches;

    /// <summary>Whether the layer is one square conv.</summary>
    public bool IsSingleSquare => branches is [{ IsSquare: true }];

    /// <summary>The tallest branch's height.</summary>
    public int Height => branches.Max(b => b.Height);

    /// <summary>The widest branch's width.</summary>
    public int Width => branches.Max(b => b.Width);

    /// <summary>The square size that holds every branch, <c>max(Height, Width)</c>.</summary>
    public int Size => Math.Max(Height, Width);

    /// <summary>The layer's receptive radius, <c>Size / 2</c>.</summary>
    public int Radius => Size / 2;

    /// <summary>The spec form: branches joined by commas, e.g. <c>3x3,1x3,3x1,1x1</c>.</summary>
    public override string ToString() => string.Join(",", branches);

    /// <inheritdoc />
    public bool Equals(HeadLayer? other) => other is not null && branches.AsSpan().SequenceEqual(other.branches);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as HeadLayer);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}

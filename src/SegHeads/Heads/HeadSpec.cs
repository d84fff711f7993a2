using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using SegHeads.Blocks;

namespace SegHeads.Heads;

/// <summary>
/// An immutable description of a segmentation head with a canonical string form that round-trips
/// through <see cref="Parse"/> and <see cref="ToString"/>, so experiments swap heads by string.
/// </summary>
/// <remarks>
/// <para>Grammar (see <see cref="Grammar"/>):</para>
/// <code>
/// spec    := kind [ ':' kernels [ '@' width ] ] { '+' option }
/// kind    := 'linear' | 'stacked-linear' | 'activated'
/// kernels := k { '-' k }            odd kernel sizes, first to last conv (default 3-3-1)
/// width   := hidden channels        (default 64; omitted in the canonical form for one conv)
/// option  := 'bn' | 'gn' | 'pad-once' | 'pad-each' | 'relu-logits'
/// </code>
/// <para>Examples: <c>linear</c>, <c>stacked-linear:3-3-1@64</c>, <c>stacked-linear:3-3-1@64+bn+pad-once</c>,
/// <c>activated:3-3-1@64+bn</c>, <c>linear+relu-logits</c>.</para>
/// </remarks>
public sealed record HeadSpec
{
    /// <summary>The grammar, quoted in every parse error.</summary>
    public const string Grammar =
        "spec := kind[:k1-k2-...[@width]][+option]...; kind = linear | stacked-linear | activated; "
        + "kernels are odd sizes (default 3-3-1); width = hidden channels (default 64); "
        + "options: bn (stacked-linear, activated), gn (activated), pad-once | pad-each, relu-logits. "
        + "Examples: linear, stacked-linear:3-3-1@64+bn+pad-once, activated:3-3-1@64+bn";

    /// <summary>Default kernel list of stacked heads.</summary>
    public static readonly IReadOnlyList<int> DefaultKernels = [3, 3, 1];

    /// <summary>Default hidden width of stacked heads.</summary>
    public const int DefaultWidth = 64;

    private readonly int[] kernels = [1];

    /// <summary>The head family.</summary>
    public HeadKind Kind { get; init; } = HeadKind.Linear;

    /// <summary>Kernel sizes from first to last conv; <c>[1]</c> for <see cref="HeadKind.Linear"/>.</summary>
    public IReadOnlyList<int> Kernels
    {
        get => kernels;
        init => kernels = value?.ToArray() ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Channels of every hidden (non-final) conv.</summary>
    public int Width { get; init; } = DefaultWidth;

    /// <summary>Normalisation after each hidden conv.</summary>
    public NormKind Norm { get; init; } = NormKind.None;

    /// <summary>How the stack pads its input.</summary>
    public HeadPadding Padding { get; init; } = HeadPadding.PadEach;

    /// <summary>Experiment-only: a ReLU on the logits (dead negative logits). Never use it to train a real model.</summary>
    public bool ReluOnLogits { get; init; }

    /// <summary>The receptive radius <c>R = Σ (kᵢ − 1) / 2</c>: each logit sees a <c>(2R + 1)²</c> window.</summary>
    public int ReceptiveRadius => kernels.Sum(k => (k - 1) / 2);

    /// <summary>Whether the head is a linear map in eval mode (no activation, at most batch norm, no ReLU on logits).</summary>
    public bool IsLinear => !ReluOnLogits && (Kind != HeadKind.Activated || kernels.Length == 1);

    /// <summary>The classic 1x1 classifier.</summary>
    public static HeadSpec Linear() => new();

    /// <summary>A stacked linear head (no activation).</summary>
    /// <param name="kernels">Odd kernel sizes, first to last; default 3-3-1.</param>
    /// <param name="width">Hidden channels.</param>
    /// <param name="batchNorm">Batch norm after each hidden conv.</param>
    /// <param name="padding">Padding mode.</param>
    public static HeadSpec StackedLinear(IReadOnlyList<int>? kernels = null, int width = DefaultWidth, bool batchNorm = false, HeadPadding padding = HeadPadding.PadEach) =>
        new HeadSpec
        {
            Kind = HeadKind.StackedLinear,
            Kernels = kernels ?? DefaultKernels,
            Width = width,
            Norm = batchNorm ? NormKind.Batch : NormKind.None,
            Padding = padding,
        }.Validate();

    /// <summary>An activated head: norm + ReLU between convs.</summary>
    /// <param name="kernels">Odd kernel sizes, first to last; default 3-3-1.</param>
    /// <param name="width">Hidden channels.</param>
    /// <param name="norm">Normalisation after each hidden conv.</param>
    /// <param name="padding">Padding mode.</param>
    public static HeadSpec Activated(IReadOnlyList<int>? kernels = null, int width = DefaultWidth, NormKind norm = NormKind.Batch, HeadPadding padding = HeadPadding.PadEach) =>
        new HeadSpec { Kind = HeadKind.Activated, Kernels = kernels ?? DefaultKernels, Width = width, Norm = norm, Padding = padding }.Validate();

    /// <summary>Checks the combination and throws with the offending value and the grammar.</summary>
    /// <exception cref="ArgumentException">A kernel is even or not positive, the width is not positive, or an option does not apply to the kind.</exception>
    public HeadSpec Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw Error($"unknown head kind {(int)Kind}");
        }

        if (kernels.Length == 0)
        {
            throw Error("the kernel list is empty");
        }

        foreach (int k in kernels)
        {
            if (k <= 0 || k % 2 == 0)
            {
                throw Error($"kernel sizes must be positive odd numbers, but got {k} in {string.Join("-", kernels)}");
            }
        }

        if (Width <= 0)
        {
            throw Error($"the width must be positive, but was {Width}");
        }

        switch (Kind)
        {
            case HeadKind.Linear when kernels is not [1]:
                throw Error($"'linear' is one 1x1 conv; got kernels {string.Join("-", kernels)} (use stacked-linear)");
            case HeadKind.Linear when Norm != NormKind.None:
                throw Error("'linear' takes no norm");
            case HeadKind.StackedLinear when Norm == NormKind.Group:
                throw Error("'stacked-linear' takes bn only: group norm uses per-sample statistics, so the head would not be linear");
            default:
                break;
        }

        if (!Enum.IsDefined(Norm) || !Enum.IsDefined(Padding))
        {
            throw Error($"unknown norm {(int)Norm} or padding {(int)Padding}");
        }

        return this;
    }

    /// <summary>The canonical string, e.g. <c>stacked-linear:3-3-1@64+bn+pad-once</c>.</summary>
    public override string ToString()
    {
        var s = new StringBuilder(KindName(Kind));
        if (Kind != HeadKind.Linear)
        {
            s.Append(':').Append(string.Join("-", kernels));
            if (kernels.Length > 1)
            {
                s.Append('@').Append(Width.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (Norm == NormKind.Batch)
        {
            s.Append("+bn");
        }
        else if (Norm == NormKind.Group)
        {
            s.Append("+gn");
        }

        if (Padding == HeadPadding.PadOnce && kernels.Length > 1)
        {
            s.Append("+pad-once");
        }

        if (ReluOnLogits)
        {
            s.Append("+relu-logits");
        }

        return s.ToString();
    }

    /// <summary>Value equality, including the kernel list.</summary>
    public bool Equals(HeadSpec? other) =>
        other is not null && Kind == other.Kind && kernels.AsSpan().SequenceEqual(other.kernels)
        && (kernels.Length == 1 || Width == other.Width) && Norm == other.Norm
        && (kernels.Length == 1 || Padding == other.Padding) && ReluOnLogits == other.ReluOnLogits;

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Parses a spec string (case-insensitive, surrounding white space ignored).</summary>
    /// <param name="text">The spec, e.g. <c>stacked-linear:3-3-1@64+bn</c>.</param>
    /// <exception cref="FormatException">The text does not follow <see cref="Grammar"/>; the message quotes it.</exception>
    public static HeadSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out HeadSpec? spec, out string? error))
        {
            throw new FormatException($"Invalid head spec '{text}': {error}. Grammar: {Grammar}");
        }

        return spec;
    }

    /// <summary>Parses a spec string without throwing.</summary>
    /// <param name="text">The spec.</param>
    /// <param name="spec">The parsed spec, when the result is <see langword="true"/>.</param>
    /// <returns>Whether the text is a valid spec.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out HeadSpec? spec) => TryParse(text, out spec, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out HeadSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the spec is empty";
            return false;
        }

        string[] parts = text.Trim().ToLowerInvariant().Split('+');
        string head = parts[0];
        string kindText = head;
        string? shape = null;
        int colon = head.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            kindText = head[..colon];
            shape = head[(colon + 1)..];
        }

        HeadKind? kind = kindText switch
        {
            "linear" => HeadKind.Linear,
            "stacked-linear" => HeadKind.StackedLinear,
            "activated" => HeadKind.Activated,
            _ => null,
        };
        if (kind is null)
        {
            error = $"unknown head kind '{kindText}' (expected linear, stacked-linear or activated)";
            return false;
        }

        int[] ks = kind == HeadKind.Linear ? [1] : [.. DefaultKernels];
        int width = DefaultWidth;
        if (shape is not null)
        {
            if (kind == HeadKind.Linear)
            {
                error = $"'linear' takes no kernel list, but got ':{shape}'";
                return false;
            }

            string kernelText = shape;
            int at = shape.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                kernelText = shape[..at];
                string widthText = shape[(at + 1)..];
                if (!int.TryParse(widthText, NumberStyles.None, CultureInfo.InvariantCulture, out width) || width <= 0)
                {
                    error = $"the width must be a positive integer, but got '{widthText}'";
                    return false;
                }
            }

            string[] kernelParts = kernelText.Split('-');
            ks = new int[kernelParts.Length];
            for (int i = 0; i < kernelParts.Length; i++)
            {
                if (!int.TryParse(kernelParts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ks[i]) || ks[i] <= 0 || ks[i] % 2 == 0)
                {
                    error = $"kernel sizes must be positive odd integers, but got '{kernelParts[i]}' in '{kernelText}'";
                    return false;
                }
            }
        }

        NormKind norm = NormKind.None;
        HeadPadding padding = HeadPadding.PadEach;
        bool reluOnLogits = false;
        foreach (string option in parts.Skip(1))
        {
            switch (option)
            {
                case "bn" when kind != HeadKind.Linear:
                    norm = NormKind.Batch;
                    break;
                case "gn" when kind == HeadKind.Activated:
                    norm = NormKind.Group;
                    break;
                case "pad-once" when kind != HeadKind.Linear:
                    padding = HeadPadding.PadOnce;
                    break;
                case "pad-each" when kind != HeadKind.Linear:
                    padding = HeadPadding.PadEach;
                    break;
                case "relu-logits":
                    reluOnLogits = true;
                    break;
                default:
                    error = $"option '+{option}' does not apply to '{KindName(kind.Value)}'";
                    return false;
            }
        }

        spec = new HeadSpec { Kind = kind.Value, Kernels = ks, Width = width, Norm = norm, Padding = padding, ReluOnLogits = reluOnLogits };
        error = null;
        return true;
    }

    private static string KindName(HeadKind kind) => kind switch
    {
        HeadKind.Linear => "linear",
        HeadKind.StackedLinear => "stacked-linear",
        HeadKind.Activated => "activated",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown head kind {(int)kind}."),
    };

    private static ArgumentException Error(string what) => new($"Invalid head spec: {what}. Grammar: {Grammar}");
}

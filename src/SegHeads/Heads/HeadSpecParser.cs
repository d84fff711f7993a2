using SegHeads.Blocks;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SegHeads.Heads;

/// <summary>The text side of <see cref="HeadSpec"/>: splits a spec string into kind, layers, width and options.</summary>
internal static class HeadSpecParser
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out HeadSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the spec is empty";
            return false;
        }

        string[] parts = text.Trim().ToLowerInvariant().Split('+');
        for (int i = 1; i < parts.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                error = i == parts.Length - 1 ? "the spec ends with '+' but no option follows" : "an option between two '+' is empty";
                return false;
            }
        }

        string head = parts[0];
        int colon = head.IndexOf(':', StringComparison.Ordinal);
        string kindText = colon >= 0 ? head[..colon] : head;
        if (!HeadRegistry.TryGet(kindText, out HeadKind? kind))
        {
            error = $"unknown head kind '{kindText}' (registered: {string.Join(", ", HeadRegistry.Kinds)})";
            return false;
        }

        HeadLayer[]? layers = null;
        int? width = null;
        if (colon >= 0)
        {
            string shape = head[(colon + 1)..];
            if (!kind.HasLayers)
            {
                error = $"'{kind.Name}' takes no layers, but got ':{shape}'";
                return false;
            }

            string layerText = shape;
            int at = shape.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                layerText = shape[..at];
                string widthText = shape[(at + 1)..];
                if (!int.TryParse(widthText, NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w <= 0 || w > HeadSpec.MaxWidth)
                {
                    error = $"the width must be an integer from 1 to {HeadSpec.MaxWidth}, but got '{widthText}'";
                    return false;
                }

                width = w;
            }

            if (!TryParseLayers(kind, layerText, out layers, out error))
            {
                return false;
            }
        }

        return HeadSpec.TryBuild(kind, layers, width, parts.Skip(1), out spec, out error);
    }

    /// <summary>Parses <c>layer{-layer}</c>; a bare size expands to the kind's shorthand branches.</summary>
    public static bool TryParseLayers(HeadKind kind, string text, [NotNullWhen(true)] out HeadLayer[]? layers, [NotNullWhen(false)] out string? error)
    {
        layers = null;
        string[] layerTexts = text.Split('-');
        if (layerTexts.Length > HeadSpec.MaxLayers)
        {
            error = $"a head has 1 to {HeadSpec.MaxLayers} layers, but got {layerTexts.Length} in '{text}'";
            return false;
        }

        var result = new HeadLayer[layerTexts.Length];
        for (int i = 0; i < layerTexts.Length; i++)
        {
            string layerText = layerTexts[i];
            if (!layerText.Contains(',', StringComparison.Ordinal) && !layerText.Contains('x', StringComparison.Ordinal))
            {
                if (!TryParseSize(layerText, text, out int size, out error))
                {
                    return false;
                }

                result[i] = new HeadLayer(kind.Expand(size));
                continue;
            }

            if (kind.Layers != HeadLayerSyntax.Branches)
            {
                error = $"'{kind.Name}' takes one odd kernel size per layer, but got '{layerText}' in '{text}'";
                return false;
            }

            var branches = new List<KernelShape>();
            foreach (string branchText in layerText.Split(','))
            {
                if (!TryParseBranch(branchText, text, out KernelShape shape, out error))
                {
                    return false;
                }

                if (branches.Contains(shape))
                {
                    error = $"layer '{layerText}' lists branch {shape} twice";
                    return false;
                }

                branches.Add(shape);
            }

            result[i] = new HeadLayer(branches);
        }

        layers = result;
        error = null;
        return true;
    }

    private static bool TryParseBranch(string text, string context, out KernelShape shape, [NotNullWhen(false)] out string? error)
    {
        shape = default;
        int x = text.IndexOf('x', StringComparison.Ordinal);
        if (x < 0)
        {
            if (!TryParseSize(text, context, out int k, out error))
            {
                return false;
            }

            shape = KernelShape.Square(k);
            return true;
        }

        if (!TryParseSize(text[..x], context, out int h, out error) || !TryParseSize(text[(x + 1)..], context, out int w, out error))
        {
            return false;
        }

        shape = new KernelShape(h, w);
        return true;
    }

    private static bool TryParseSize(string text, string context, out int size, [NotNullWhen(false)] out string? error)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size <= 0 || size % 2 == 0 || size > HeadSpec.MaxKernelSize)
        {
            error = $"kernel sizes must be odd integers from 1 to {HeadSpec.MaxKernelSize}, but got '{text}' in '{context}'";
            return false;
        }

        error = null;
        return true;
    }
}

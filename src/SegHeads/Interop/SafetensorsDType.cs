using static TorchSharp.torch;

namespace SegHeads.Interop;

/// <summary>The safetensors dtype names and their torch types and element sizes.</summary>
internal static class SafetensorsDType
{
    private static readonly (string Name, ScalarType Type, int Size)[] Known =
    [
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>The names this reader and writer understand, for error messages.</summary>
    public static string Supported => string.Join(", ", Known.Select(k => k.Name));

    /// <summary>The safetensors name of <paramref name="type"/>, or <see langword="null"/> when the format has none here.</summary>
    public static string? NameOf(ScalarType type) => Known.Where(k => k.Type == type).Select(k => k.Name).FirstOrDefault();

    /// <summary>The torch type and element size of a safetensors dtype name.</summary>
    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        foreach ((string n, ScalarType t, int s) in Known)
        {
            if (n == name)
            {
                type = t;
                size = s;
                return true;
            }
        }

        type = default;
        size = 0;
        return false;
    }
}

using System.Globalization;

namespace SegHeads.Benchmarks;

/// <summary>The <c>--inputs BATCHxSIZE,...</c> option of the inference benches.</summary>
internal static class BenchInputs
{
    public static (int Batch, int Size) Parse(string text)
    {
        string[] parts = text.Split('x');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int batch)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            && batch > 0 && size > 0
            ? (batch, size)
            : throw new ArgumentException($"--inputs takes BATCHxSIZE items such as 1x256, but got '{text}'.");
    }
}

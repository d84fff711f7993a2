using SkiaSharp;
using SP = ScottPlot;

namespace SegHeads.Plotting;

/// <summary>
/// The sans-serif family used for every text element. Without fontconfig, Skia falls back to a serif
/// face unless a family is named, so one is named here; when none of the candidates is installed the
/// default face is used rather than failing.
/// </summary>
internal static class TextFont
{
    private const string DejaVuDirectory = "/usr/share/fonts/truetype/dejavu";
    private static readonly string[] Candidates = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];
    private static readonly Lazy<string?> Resolved = new(Resolve);

    /// <summary>The family name, or null when only the default face is available.</summary>
    public static string? Name => Resolved.Value;

    /// <summary>A typeface of the family, bold or regular.</summary>
    public static SKTypeface Typeface(bool bold) =>
        Name is null ? SKTypeface.Default : SP.Fonts.GetTypeface(Name, bold, italic: false);

    /// <summary>Applies the family to every text element of <paramref name="plot"/>.</summary>
    public static void Apply(SP.Plot plot)
    {
        if (Name is not null)
        {
            plot.Font.Set(Name);
            plot.Legend.FontName = Name;
        }
    }

    private static string? Resolve()
    {
        string regular = Path.Combine(DejaVuDirectory, "DejaVuSans.ttf");
        string bold = Path.Combine(DejaVuDirectory, "DejaVuSans-Bold.ttf");
        if (File.Exists(regular) && File.Exists(bold))
        {
            // Registering the files makes the family independent of how Skia's font manager scans.
            SP.Fonts.AddFontFile("DejaVu Sans", regular, bold: false, italic: false);
            SP.Fonts.AddFontFile("DejaVu Sans", bold, bold: true, italic: false);
            return "DejaVu Sans";
        }

        return Candidates.FirstOrDefault(name => SP.Fonts.GetTypeface(name, bold: false, italic: false) is { } face
                                                  && string.Equals(face.FamilyName, name, StringComparison.OrdinalIgnoreCase));
    }
}

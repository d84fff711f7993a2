using System.Text.Json;
using System.Text.Json.Serialization;

namespace SegHeads.Imaging.Classes;

/// <summary>
/// Class names, their mask colours and the ignore index of a dataset, read from and written to a small
/// JSON file (<see cref="FileName"/>):
/// <code>
/// { "classes": [ { "name": "background", "color": [0, 0, 0] }, { "name": "circle", "color": [128, 0, 0] } ],
///   "ignoreIndex": 255, "ignoreColor": [224, 224, 192] }
/// </code>
/// Class <c>k</c> is written as the value <c>k</c> in class-index masks and as <c>Colors[k]</c> in colour masks.
/// </summary>
public sealed class ClassMap
{
    /// <summary>Conventional file name of the class file in a dataset folder: <c>classes.json</c>.</summary>
    public const string FileName = "classes.json";

    /// <summary>Largest number of classes: masks are 8-bit, so class indices are 0..254 when 255 is the ignore index.</summary>
    public const int MaxClasses = 255;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Creates a class map.</summary>
    /// <param name="names">Class names, index = class (at least two, at most <see cref="MaxClasses"/>, unique, non-empty).</param>
    /// <param name="colors">One colour per class (unique), or null for the Pascal VOC palette <see cref="VocPalette"/>.</param>
    /// <param name="ignoreIndex">Mask value of unlabelled pixels (at least the class count, at most 255), or null when every pixel is labelled.</param>
    /// <param name="ignoreColor">Colour of unlabelled pixels in colour masks; null gives the VOC border colour (224, 224, 192) when <paramref name="ignoreIndex"/> is set.</param>
    /// <exception cref="ArgumentException">A value is out of range, a name or colour repeats, or the counts differ.</exception>
    public ClassMap(IReadOnlyList<string> names, IReadOnlyList<RgbColor>? colors = null, int? ignoreIndex = null, RgbColor? ignoreColor = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count < 2 || names.Count > MaxClasses)
        {
            throw new ArgumentException($"A class map needs 2..{MaxClasses} classes, but got {names.Count}.", nameof(names));
        }

        if (names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException($"Class names must be non-empty and unique, but got [{string.Join(", ", names)}].", nameof(names));
        }

        colors ??= Enumerable.Range(0, names.Count).Select(VocPalette).ToArray();
        if (colors.Count != names.Count)
        {
            throw new ArgumentException($"Expected one colour per class ({names.Count}), but got {colors.Count}.", nameof(colors));
        }

        if (colors.Distinct().Count() != colors.Count)
        {
            throw new ArgumentException($"Class colours must be unique, but got [{string.Join(", ", colors)}].", nameof(colors));
        }

        if (ignoreIndex is { } ignore && (ignore < names.Count || ignore > 255))
        {
            throw new ArgumentOutOfRangeException(nameof(ignoreIndex), ignore, $"The ignore index must be in [{names.Count}, 255] (not a class index of this {names.Count}-class map), but got {ignore}.");
        }

        RgbColor? ignoreRgb = ignoreIndex is null ? null : ignoreColor ?? VocPalette(255);
        if (ignoreRgb is { } ic && colors.Contains(ic))
        {
            throw new ArgumentException($"The ignore colour {ic} is also a class colour.", nameof(ignoreColor));
        }

        Names = names.ToArray();
        Colors = colors.ToArray();
        IgnoreIndex = ignoreIndex;
        IgnoreColor = ignoreRgb;
    }

    /// <summary>Class names; the index is the class.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Class colours (same order as <see cref="Names"/>).</summary>
    public IReadOnlyList<RgbColor> Colors { get; }

    /// <summary>Number of classes K.</summary>
    public int Count => Names.Count;

    /// <summary>Mask value of unlabelled pixels, or null when every pixel is labelled.</summary>
    public int? IgnoreIndex { get; }

    /// <summary>Colour of unlabelled pixels in colour masks and overlays (null when <see cref="IgnoreIndex"/> is null).</summary>
    public RgbColor? IgnoreColor { get; }

    /// <summary>The 21 Pascal VOC 2012 class names (background + 20 objects).</summary>
    public static IReadOnlyList<string> VocClassNames { get; } =
    [
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>The Pascal VOC 2012 class map: 21 classes in the VOC palette, 255 ignored (border colour (224, 224, 192)).</summary>
    public static ClassMap Voc { get; } = new(VocClassNames, ignoreIndex: 255);

    /// <summary>
    /// Colour of palette entry <paramref name="index"/> in the Pascal VOC palette (the bits of the index
    /// spread over the high bits of R, G and B): 0 → (0, 0, 0), 1 → (128, 0, 0), 255 → (224, 224, 192).
    /// All 256 entries differ, so a VOC colour gives back its index.
    /// </summary>
    /// <param name="index">Palette index 0..255.</param>
    /// <returns>The palette colour.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..255.</exception>
    public static RgbColor VocPalette(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 255);
        int r = 0, g = 0, b = 0, c = index;
        for (int j = 0; j < 8; j++)
        {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }

        return new RgbColor((byte)r, (byte)g, (byte)b);
    }

    /// <summary>A class map for the given names in the VOC palette.</summary>
    /// <param name="names">Class names (index = class).</param>
    /// <param name="ignoreIndex">Ignore index, or null.</param>
    /// <returns>The class map.</returns>
    public static ClassMap FromNames(IReadOnlyList<string> names, int? ignoreIndex = null) => new(names, null, ignoreIndex);

    /// <summary>A class map named <c>class0</c>, <c>class1</c>, … in the VOC palette.</summary>
    /// <param name="count">Number of classes.</param>
    /// <param name="ignoreIndex">Ignore index, or null.</param>
    /// <returns>The class map.</returns>
    public static ClassMap Numbered(int count, int? ignoreIndex = null) =>
        new(Enumerable.Range(0, count).Select(i => $"class{i}").ToArray(), null, ignoreIndex);

    /// <summary>Reads a class file.</summary>
    /// <param name="path">Path of the JSON class file.</param>
    /// <returns>The class map.</returns>
    /// <exception cref="Validation.DatasetException">The file is missing, not JSON of the expected form, or its values are invalid (the message names the file).</exception>
    public static ClassMap Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ClassFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ClassFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new Validation.DatasetException(path, $"cannot read the class file: {e.Message}", e);
        }

        if (file?.Classes is not { Count: > 0 } classes || classes.Any(c => c is null))
        {
            throw new Validation.DatasetException(path, "the class file has no \"classes\" array of { \"name\": ..., \"color\": [r, g, b] } entries.");
        }

        try
        {
            bool hasColors = classes.All(c => c.Color is not null);
            if (!hasColors && classes.Any(c => c.Color is not null))
            {
                throw new ArgumentException("give a colour for every class or for none.");
            }

            return new ClassMap(
                classes.Select(c => c.Name ?? string.Empty).ToArray(),
                hasColors ? classes.Select(c => ToColor(c.Color!)).ToArray() : null,
                file.IgnoreIndex,
                file.IgnoreColor is null ? null : ToColor(file.IgnoreColor));
        }
        catch (ArgumentException e)
        {
            throw new Validation.DatasetException(path, $"invalid class file: {e.Message}", e);
        }
    }

    /// <summary>Writes this class map as a JSON class file (creating the folder).</summary>
    /// <param name="path">Path of the file to write.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        var file = new ClassFile
        {
            Classes = Names.Select((n, i) => new ClassEntry { Name = n, Color = [Colors[i].R, Colors[i].G, Colors[i].B] }).ToList(),
            IgnoreIndex = IgnoreIndex,
            IgnoreColor = IgnoreColor is { } c ? [c.R, c.G, c.B] : null,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(file, JsonOptions) + "\n");
    }

    /// <summary>The class of a colour, or −1 when no class has it (<see cref="IgnoreIndex"/> for <see cref="IgnoreColor"/>).</summary>
    internal Dictionary<int, int> ColorLookup()
    {
        var lookup = new Dictionary<int, int>();
        for (int k = 0; k < Colors.Count; k++)
        {
            lookup[Colors[k].Packed] = k;
        }

        if (IgnoreColor is { } ic && IgnoreIndex is { } ii)
        {
            lookup[ic.Packed] = ii;
        }

        return lookup;
    }

    private static RgbColor ToColor(int[] rgb)
    {
        if (rgb.Length != 3 || rgb.Any(v => v is < 0 or > 255))
        {
            throw new ArgumentException($"a colour must be [r, g, b] with values 0..255, but got [{string.Join(", ", rgb)}].");
        }

        return new RgbColor((byte)rgb[0], (byte)rgb[1], (byte)rgb[2]);
    }

    private sealed class ClassFile
    {
        public List<ClassEntry>? Classes { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? IgnoreIndex { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int[]? IgnoreColor { get; set; }
    }

    private sealed class ClassEntry
    {
        public string? Name { get; set; }

        public int[]? Color { get; set; }
    }
}

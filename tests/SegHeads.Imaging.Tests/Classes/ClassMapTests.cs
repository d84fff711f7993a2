using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Tests.Infrastructure;
using SegHeads.Imaging.Validation;

namespace SegHeads.Imaging.Tests.Classes;

public sealed class ClassMapTests
{
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(1, 128, 0, 0)]
    [InlineData(15, 192, 128, 128)]
    [InlineData(20, 0, 64, 128)]
    [InlineData(255, 224, 224, 192)]
    public void VocPalette_KnownEntries_MatchTheVocColours(int index, int r, int g, int b) =>
        ClassMap.VocPalette(index).Should().Be(new RgbColor((byte)r, (byte)g, (byte)b));

    [Fact]
    public void VocPalette_All256Entries_AreDistinct() =>
        Enumerable.Range(0, 256).Select(ClassMap.VocPalette).Distinct().Should().HaveCount(256);

    [Fact]
    public void Voc_Has21NamedClassesAnd255Ignored()
    {
        ClassMap.Voc.Count.Should().Be(21);
        ClassMap.Voc.Names[15].Should().Be("person");
        ClassMap.Voc.IgnoreIndex.Should().Be(255);
    }

    [Fact]
    public void SaveThenLoad_RoundTripsNamesColoursAndIgnore()
    {
        using var dir = new TempDir();
        var map = new ClassMap(["sky", "road", "car"], [new(1, 2, 3), new(4, 5, 6), new(7, 8, 9)], ignoreIndex: 200, ignoreColor: new RgbColor(9, 9, 9));
        string path = Path.Combine(dir.Path, ClassMap.FileName);
        map.Save(path);
        ClassMap back = ClassMap.Load(path);
        back.Names.Should().Equal(map.Names);
        back.Colors.Should().Equal(map.Colors);
        back.IgnoreIndex.Should().Be(200);
        back.IgnoreColor.Should().Be(new RgbColor(9, 9, 9));
    }

    [Fact]
    public void Load_NamesWithoutColours_UsesVocPalette()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "c.json");
        File.WriteAllText(path, """{ "classes": [ { "name": "a" }, { "name": "b" } ] }""");
        ClassMap.Load(path).Colors.Should().Equal(ClassMap.VocPalette(0), ClassMap.VocPalette(1));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "classes": [] }""")]
    [InlineData("""{ "classes": [ { "name": "a", "color": [0, 0, 0] }, { "name": "b", "color": [0, 0, 300] } ] }""")]
    [InlineData("""{ "classes": [ { "name": "a" }, { "name": "b" } ], "ignoreIndex": 1 }""")]
    public void Load_InvalidFile_ThrowsNamingTheFile(string text)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(path, text);
        Action load = () => ClassMap.Load(path);
        load.Should().Throw<DatasetException>().Which.Message.Should().StartWith(path);
    }

    [Fact]
    public void Constructor_IgnoreIndexThatIsAClass_ThrowsWithBothValues()
    {
        Action create = () => ClassMap.Numbered(4, ignoreIndex: 3);
        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[4, 255]*3*");
    }
}

namespace SegHeads.Plotting.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly RenderedPng temp = new();

    [Fact]
    public void WriteAllText_NewDirectory_CreatesItAndWritesUtf8WithoutBom()
    {
        string path = temp.PathFor(Path.Combine("a", "b", "report.md"));

        AtomicFile.WriteAllText(path, "σ = 0.8");

        File.ReadAllBytes(path).Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF });
        File.ReadAllText(path).Should().Be("σ = 0.8");
    }

    [Fact]
    public void WriteAllBytes_ExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        string path = temp.PathFor("data.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3, 4]);

        AtomicFile.WriteAllBytes(path, [9]);

        File.ReadAllBytes(path).Should().Equal(9);
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
    }

    [Fact]
    public void WriteAllBytes_BlankPath_Throws()
    {
        var act = () => AtomicFile.WriteAllBytes(" ", [1]);

        act.Should().Throw<ArgumentException>();
    }

    public void Dispose() => temp.Dispose();
}

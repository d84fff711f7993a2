using SegHeads.Cli;

namespace SegHeads.Samples.Tests.Cli;

public sealed class OutputFolderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-out-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Require_NewFolder_CreatesItAndLeavesNoProbe()
    {
        string path = Path.Combine(folder, "a", "b");

        string full = OutputFolder.Require(path, "--out");

        Directory.Exists(full).Should().BeTrue();
        Directory.EnumerateFileSystemEntries(full).Should().BeEmpty();
    }

    [Fact]
    public void Require_PathIsAFile_ThrowsNamingPathAndOption()
    {
        string file = Path.Combine(folder, "file");
        File.WriteAllText(file, "x");

        Action require = () => OutputFolder.Require(file, "--out");

        require.Should().Throw<IOException>().WithMessage($"*'{file}' (--out)*a file, not a folder*Nothing was run*");
    }

    [Fact]
    public void Require_PathUnderAFile_ThrowsNamingPath()
    {
        string file = Path.Combine(folder, "file");
        File.WriteAllText(file, "x");
        string path = Path.Combine(file, "sub");

        Action require = () => OutputFolder.Require(path, "--out");

        require.Should().Throw<IOException>().WithMessage($"*'{path}'*Nothing was run*");
    }
}

using System.Reflection;
using SegHeads.Native;

namespace SegHeads.Tests.Native;

public sealed class ElfVersionsTests : IDisposable
{
    private const string NeededVersion = "GLIBCXX_3.4.32";
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-elf-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void MarkWeak_ShippedLibrary_SetsWeakFlagOnCopyOnly()
    {
        string shipped = ShippedLibTorchSharp();
        byte[] before = File.ReadAllBytes(shipped);
        string copy = CopyToTemp(shipped);
        ElfVersions.ReadNeeds(copy).Single(n => n.Version == NeededVersion).IsWeak.Should().BeFalse("TorchSharp ships the need as strong");

        ElfVersions.MarkWeak(copy, NeededVersion).Should().Be(MarkWeakResult.Patched);

        ElfVersionNeed need = ElfVersions.ReadNeeds(copy).Single(n => n.Version == NeededVersion);
        need.IsWeak.Should().BeTrue();
        need.Library.Should().Be("libstdc++.so.6");
        File.ReadAllBytes(shipped).Should().Equal(before, "the NuGet cache must never be modified");
    }

    [Fact]
    public void MarkWeak_ChangesOnlyTheFlagBytes()
    {
        string copy = CopyToTemp(ShippedLibTorchSharp());
        byte[] before = File.ReadAllBytes(copy);
        long offset = ElfVersions.ReadNeeds(copy).Single(n => n.Version == NeededVersion).FlagsOffset;

        ElfVersions.MarkWeak(copy, NeededVersion);

        byte[] after = File.ReadAllBytes(copy);
        after.Length.Should().Be(before.Length);
        Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).Should().Equal((int)offset);
        (after[offset] & ElfVersions.VerFlagWeak).Should().Be(ElfVersions.VerFlagWeak);
    }

    [Fact]
    public void MarkWeak_SecondRun_IsIdempotentAndKeepsTimestamp()
    {
        string copy = CopyToTemp(ShippedLibTorchSharp());
        var stamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, stamp);

        ElfVersions.MarkWeak(copy, NeededVersion).Should().Be(MarkWeakResult.Patched);
        byte[] once = File.ReadAllBytes(copy);
        ElfVersions.MarkWeak(copy, NeededVersion).Should().Be(MarkWeakResult.AlreadyWeak);

        File.ReadAllBytes(copy).Should().Equal(once);
        File.GetLastWriteTimeUtc(copy).Should().Be(stamp, "an unchanged timestamp keeps incremental copies from re-copying the original");
    }

    [Fact]
    public void MarkWeak_VersionNotNeeded_LeavesFileAlone()
    {
        string copy = CopyToTemp(ShippedLibTorchSharp());
        byte[] before = File.ReadAllBytes(copy);

        ElfVersions.MarkWeak(copy, "GLIBCXX_9.9.99").Should().Be(MarkWeakResult.NotNeeded);

        File.ReadAllBytes(copy).Should().Equal(before);
    }

    [Fact]
    public void ReadNeeds_NotAnElfFile_ThrowsNamingTheFile()
    {
        string bogus = Path.Combine(folder, "not-elf.so");
        File.WriteAllText(bogus, "this is not an ELF file, just text long enough to pass the size check......");

        Action read = () => ElfVersions.ReadNeeds(bogus);

        read.Should().Throw<InvalidDataException>().WithMessage($"*{bogus}*not an ELF*");
    }

    [Fact]
    public void ReadNeeds_TruncatedElf_ThrowsInsteadOfReadingPastTheEnd()
    {
        byte[] head = File.ReadAllBytes(ShippedLibTorchSharp()).AsSpan(0, 4096).ToArray();
        string truncated = Path.Combine(folder, "truncated.so");
        File.WriteAllBytes(truncated, head);

        Action read = () => ElfVersions.ReadNeeds(truncated);

        read.Should().Throw<InvalidDataException>().WithMessage($"*{truncated}*outside the file*");
    }

    [Fact]
    public void ReadDefinitions_HostLibStdCxx_ListsGlibcxxVersions()
    {
        string? host = ElfVersions.FindHostLibStdCxx();
        host.Should().NotBeNull("tests run on Linux with a system libstdc++");

        IReadOnlyList<string> defined = ElfVersions.ReadDefinitions(host!);

        defined.Should().Contain("GLIBCXX_3.4").And.Contain("GLIBCXX_3.4.30");
    }

    [Fact]
    public void Explain_UnpatchedLibraryOnOldHost_NamesFileAndMissingVersion()
    {
        string copy = CopyToTemp(ShippedLibTorchSharp());
        bool hostHasIt = ElfVersions.ReadDefinitions(ElfVersions.FindHostLibStdCxx()!).Contains(NeededVersion);

        string message = TorchRuntime.Explain(copy, "version `GLIBCXX_3.4.32' not found");

        message.Should().Contain(copy);
        if (!hostHasIt)
        {
            TorchRuntime.MissingStrongVersions(copy, out _).Should().Equal(NeededVersion);
            message.Should().Contain($"needs {NeededVersion} from libstdc++").And.Contain("not marked weak");
        }
    }

    [Fact]
    public void MissingStrongVersions_PatchedLibrary_IsEmpty()
    {
        string copy = CopyToTemp(ShippedLibTorchSharp());
        ElfVersions.MarkWeak(copy, NeededVersion);

        TorchRuntime.MissingStrongVersions(copy, out _).Should().BeEmpty();
    }

    [Fact]
    public void BuildOutput_LibTorchSharp_IsPatchedWhenHostLacksVersion()
    {
        // Every TorchSharp test loading at all is the end-to-end proof; this pins where it happened.
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        bool hostHasIt = ElfVersions.ReadDefinitions(ElfVersions.FindHostLibStdCxx()!).Contains(NeededVersion);

        ElfVersionNeed need = ElfVersions.ReadNeeds(output).Single(n => n.Version == NeededVersion);

        need.IsWeak.Should().Be(!hostHasIt);
    }

    private string CopyToTemp(string source)
    {
        string copy = Path.Combine(folder, Path.GetFileName(source));
        File.Copy(source, copy, overwrite: true);
        return copy;
    }

    private static string ShippedLibTorchSharp()
    {
        var metadata = typeof(ElfVersionsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        string path = Path.Combine(metadata["NuGetPackageRoot"]!, "torchsharp", metadata["TorchSharpVersion"]!, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(path).Should().BeTrue($"TorchSharp's shipped library should be at {path}");
        return path;
    }
}

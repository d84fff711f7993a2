using System.Diagnostics;
using SegHeads.Native;

namespace SegHeads.Tests.Native;

/// <summary>End to end: an app built without SegHeads' build step gets SegHeads' explanation, not TorchSharp's.</summary>
public sealed class UnpatchedLoadTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-unpatched-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public void EnsureLoaded_AppBuiltWithoutTheFix_ThrowsNamingFileAndMissingVersion()
    {
        string host = ElfVersions.FindHostLibStdCxx()!;
        if (ElfVersions.ReadDefinitions(host).Contains("GLIBCXX_3.4.32"))
        {
            return; // NOTE: nothing to explain on a host whose libstdc++ is new enough.
        }

        // A project outside the repository (so no Directory.Build.targets imports the fix) that
        // references the built SegHeads.dll directly instead of the package.
        string segHeads = typeof(TorchRuntime).Assembly.Location;
        File.WriteAllText(Path.Combine(folder, "probe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup>
                <Reference Include="SegHeads"><HintPath>{segHeads}</HintPath></Reference>
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            try { SegHeads.Native.TorchRuntime.EnsureLoaded(); System.Console.WriteLine("LOADED"); }
            catch (SegHeads.Native.TorchLoadException e) { System.Console.WriteLine("EXPLAINED " + e.Message); }
            """);

        string output = Run("dotnet", $"run -c Release --project \"{folder}\"");

        output.Should().Contain("EXPLAINED").And.Contain("libLibTorchSharp.so")
            .And.Contain("needs GLIBCXX_3.4.32 from libstdc++").And.Contain("not marked weak");
        output.Should().NotContain("doesn't contain a reference to libtorch-cpu-linux-x64");
        Directory.Exists(Path.Combine(folder, "bin", "Release", "net10.0", "cpu")).Should()
            .BeFalse("SegHeads stops before TorchSharp's fallback copies ~480 MB of libtorch");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void BuildTask_UnreadableLibrary_WarnsWithCodeAndFileInsteadOfFailing()
    {
        string host = ElfVersions.FindHostLibStdCxx()!;
        if (ElfVersions.ReadDefinitions(host).Contains("GLIBCXX_3.4.32"))
        {
            return; // NOTE: the task leaves files alone on a host that has the version.
        }

        string targets = Path.GetFullPath(Path.Combine(RepoRoot(), "build", "SegHeads.targets"));
        string bogus = Path.Combine(folder, "libLibTorchSharp.so");
        File.WriteAllText(bogus, "not an ELF file at all, but long enough to be read as one.............");
        File.WriteAllText(Path.Combine(folder, "probe.proj"), $"""
            <Project>
              <Import Project="{targets}" />
              <Target Name="Build">
                <SegHeadsWeakenVersionNeeds Files="{bogus}" Versions="GLIBCXX_3.4.32" />
              </Target>
            </Project>
            """);

        string output = Run("dotnet", $"build \"{Path.Combine(folder, "probe.proj")}\" -nologo");

        output.Should().Contain("warning SEGH001").And.Contain("libLibTorchSharp.so").And.Contain("not an ELF file");
        output.Should().NotContain("error", "an unexpected ELF layout is a warning, never a failed build");
    }

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "SegHeads.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException($"No SegHeads.sln above {AppContext.BaseDirectory}.");
    }

    private static string Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output + error.Result;
    }
}

using System.Globalization;
using TorchSharp;

namespace SegHeads.Benchmarks;

/// <summary>Thread settings and a description of the machine and the load on it.</summary>
internal static class Machine
{
    /// <summary>Applies the intra-op and inter-op thread counts (inter-op only before any parallel work).</summary>
    public static void ConfigureThreads(int threads, int interopThreads)
    {
        torch.set_num_threads(threads);
        if (interopThreads > 0)
        {
            torch.set_num_interop_threads(interopThreads);
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version}, "
            + $"torch threads {torch.get_num_threads()} (inter-op {torch.get_num_interop_threads()}), load {LoadAverage()}");
    }

    /// <summary>
    /// Whether the CPU computes in bfloat16 natively (Linux: the <c>avx512_bf16</c> or <c>amx_bf16</c>
    /// flag in /proc/cpuinfo). Without it the bf16 path still runs, on converted float32 arithmetic,
    /// and is usually slower than float32.
    /// </summary>
    public static string Bf16Support()
    {
        try
        {
            string? flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            if (flags is null)
            {
                return "unknown (no flags line in /proc/cpuinfo); bf16 timings may be emulated";
            }

            string[] native = [.. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f is "avx512_bf16" or "amx_bf16")];
            return native.Length > 0
                ? $"native ({string.Join(", ", native)}): oneDNN's bf16 kernels"
                : "NOT native (no avx512_bf16/amx_bf16): bf16 runs emulated and is expected to be slower than fp32";
        }
        catch (IOException)
        {
            return "unknown (no /proc/cpuinfo); bf16 timings may be emulated";
        }
    }

    /// <summary>Resident set size of this process in bytes (VmRSS from /proc/self/status).</summary>
    public static long ResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}

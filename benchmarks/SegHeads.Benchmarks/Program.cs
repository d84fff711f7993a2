using SegHeads.Benchmarks;

// Usage: dotnet run --project benchmarks/SegHeads.Benchmarks -c Release -- <command> [options]
// Every command accepts --threads N (torch intra-op threads, default 2) and --interop N (default 1).
string[] commands = ["train", "profile", "ops", "deployed", "fused", "onnx", "scalar-race", "memory", "prefetch"];
if (args.Length == 0 || !commands.Contains(args[0]))
{
    Console.Error.WriteLine("usage: SegHeads.Benchmarks <command> [options]   (common: --threads 2 --interop 1)");
    Console.Error.WriteLine("  " + TrainBench.Usage);
    Console.Error.WriteLine("  " + ProfileBench.Usage);
    Console.Error.WriteLine("  " + OpsBench.Usage);
    Console.Error.WriteLine("  " + DeployedBench.Usage);
    Console.Error.WriteLine("  " + FusedBench.Usage);
    Console.Error.WriteLine("  " + OnnxBench.Usage);
    Console.Error.WriteLine("  " + ScalarRaceBench.Usage);
    Console.Error.WriteLine("  " + MemoryBench.Usage);
    Console.Error.WriteLine("  " + PrefetchBench.Usage);
    return 2;
}

var options = new BenchArgs(args.Skip(1));
int threads = options.Int("threads", 2);
Machine.ConfigureThreads(threads, options.Int("interop", 1));
try
{
    return args[0] switch
    {
        "train" => TrainBench.Run(options, threads),
        "profile" => ProfileBench.Run(options, threads),
        "ops" => OpsBench.Run(options, threads),
        "deployed" => DeployedBench.Run(options, threads),
        "fused" => FusedBench.Run(options, threads),
        "prefetch" => PrefetchBench.Run(options, threads),
        "onnx" => OnnxBench.Run(options),
        "scalar-race" => ScalarRaceBench.Run(options),
        _ => MemoryBench.Run(options, threads),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

using Fovea.Bench;

// Fovea benchmarks: dotnet run -c Release --project bench/Fovea.Bench -- [--json] [names...]
// With no names every benchmark runs.
if (args.Contains("--help"))
{
    Console.Error.WriteLine("usage: Fovea.Bench [--json] [names...]; benchmarks:");
    foreach (var (name, description) in BenchRunner.Benchmarks)
        Console.Error.WriteLine($"  {name,-16} {description}");
    return 0;
}
return BenchRunner.Run(args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray(), args.Contains("--json"));

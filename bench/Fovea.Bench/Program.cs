using Fovea.Bench;

// Fovea benchmarks: dotnet run -c Release --project bench/Fovea.Bench -- [--json] [names...]
// With no names every benchmark runs. Each result is one JSON object per line (the fields of
// ../shared/peers/results/*.jsonl); without --json a readable summary line follows each of them on stderr.
IBenchmark[] all =
[
    new GemmBench(), new GemmShapesBench(), new CnnBench(train: true), new CnnBench(train: false), new ConvLayersBench(),
    new FmnistBench(), new ResNetBench(train: false), new ResNetBench(train: true), new AugmentBench(),
];

bool json = args.Contains("--json");
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var unknown = names.Where(n => all.All(b => b.Name != n)).ToArray();
if (unknown.Length > 0 || args.Contains("--help"))
{
    if (unknown.Length > 0)
        Console.Error.WriteLine($"unknown benchmark: {string.Join(", ", unknown)}");
    Console.Error.WriteLine("usage: Fovea.Bench [--json] [names...]; benchmarks:");
    foreach (var b in all)
        Console.Error.WriteLine($"  {b.Name,-16} {b.Description}");
    return unknown.Length > 0 ? 2 : 0;
}
var report = new BenchReport(json);
foreach (var bench in all.Where(b => names.Length == 0 || names.Contains(b.Name)))
    bench.Run(report);
if (Environment.GetEnvironmentVariable("FOVEA_PROFILE") == "1")
    Console.Error.WriteLine(Fovea.Profiler.Report());
return 0;

using Fovea.Models.Zoo;

namespace Fovea.Bench;

/// <summary>
/// Runs Fovea's benchmarks by name, for <c>dotnet run -c Release --project bench/Fovea.Bench -- [--json]
/// [names...]</c>. Each result is one JSON object per line on standard output (the fields of
/// ../shared/peers/results/*.jsonl: bench, unit, best, median and details); without --json a readable summary
/// line follows each of them on standard error.
/// </summary>
public static class BenchRunner
{
    private static IBenchmark[] All() =>
    [
        new GemmBench(), new GemmShapesBench(), new CnnBench(train: true), new CnnBench(train: false),
        new ConvLayersBench(), new FmnistBench(), 
        new ZooBench("B4_resnet18", "B4_resnet18", "ResNet-18", () => ResNet.ResNet18(), train: false),
        new ZooBench("B5_resnet18_train", "B5_resnet18", "ResNet-18", () => ResNet.ResNet18(), train: true),
        new AugmentBench(), new BatchNormShortRunBench(),
        new ExplainBench("gradcam"), new ExplainBench("ig50"), new ExplainBench("lime1000"),
        .. ZooModels.SelectMany(name => new IBenchmark[]
        {
            new ZooBench($"zoo_{name}", $"zoo_{name}", ModelZoo.Describe(name), () => ModelZoo.Create(name),
                train: false),
            new ZooBench($"zoo_{name}_train", $"zoo_{name}", ModelZoo.Describe(name), () => ModelZoo.Create(name),
                train: true, steps: 3),
        }),
    ];

    /// <summary>The zoo models with benchmarks (issue 11's new hot paths: depthwise convolutions, SE, LayerNorm,
    /// GELU, attention); any other zoo name runs the same way once added here.</summary>
    private static readonly string[] ZooModels =
        ["resnet50", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "maxvit_t"];

    /// <summary>The names and descriptions of every benchmark, in running order.</summary>
    public static IReadOnlyList<(string Name, string Description)> Benchmarks =>
        All().Select(b => (b.Name, b.Description)).ToArray();

    /// <summary>Runs the named benchmarks (all when <paramref name="names"/> is empty); returns the exit code: 0,
    /// or 2 when a name is unknown (nothing runs then).</summary>
    public static int Run(IReadOnlyCollection<string> names, bool json)
    {
        var all = All();
        var unknown = names.Where(n => all.All(b => b.Name != n)).ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"error: unknown benchmark: {string.Join(", ", unknown)}; known: " +
                string.Join(", ", all.Select(b => b.Name)));
            return 2;
        }
        var report = new BenchReport(json);
        foreach (var bench in all.Where(b => names.Count == 0 || names.Contains(b.Name)))
            bench.Run(report);
        if (Environment.GetEnvironmentVariable("FOVEA_PROFILE") == "1")
            Console.Error.WriteLine(Profiler.Report());
        return 0;
    }
}

using System.CommandLine;
using Fovea.Bench;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea bench [--json] [names...]</c>: runs Fovea's speed benchmarks (bench/Fovea.Bench), one JSON object per
/// result line with the peers' fields (bench, unit, best, median, details).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Only JSON lines on standard output (no summaries on standard error)" };
        var names = new Argument<string[]>("names")
        {
            Description = "Benchmarks to run (default: all): " + string.Join(", ", BenchRunner.Benchmarks.Select(b => b.Name)),
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("bench", "Measure Fovea's speed: GEMM, the reference CNN, Fashion-MNIST epochs, ResNet-18")
        {
            json, names,
        };
        command.SetAction(r => BenchRunner.Run(r.GetValue(names) ?? [], r.GetValue(json)));
        return command;
    }
}

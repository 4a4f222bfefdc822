using Fovea.Kernels;

namespace Fovea.Bench;

/// <summary>
/// B2_conv_layers: the reference CNN's convolutions (batch 128, 3×3, 'same', as B2 runs them), a few ResNet-18
/// layers and two MobileNet-style depthwise layers, one kernel call at a time on all kernel threads: forward,
/// input gradient (dx) and weight gradient (dw).
/// GFLOP/s counts the direct convolution's 2·N·OC·OH·OW·Cg·KH·KW, whatever the algorithm, so a faster algorithm
/// shows as a higher rate (Winograd can pass the FMA peak). FOVEA_CONV_LAYERS and FOVEA_CONV_PASSES (comma-separated
/// names) restrict the run, e.g. for profiling one layer.
/// </summary>
internal sealed class ConvLayersBench : IBenchmark
{
    private static readonly (string Name, int N, int C, int H, int OC, int K, int Stride, int Groups)[] s_layers =
    [
        ("b2_conv1", 128, 3, 32, 32, 3, 1, 1),
        ("b2_conv2", 128, 32, 32, 32, 3, 1, 1),
        ("b2_conv3", 128, 32, 16, 64, 3, 1, 1),
        ("b2_conv4", 128, 64, 16, 64, 3, 1, 1),
        ("b2_conv5", 128, 64, 8, 128, 3, 1, 1),
        ("r18_stem_b1", 1, 3, 224, 64, 7, 2, 1),
        ("r18_l1_b1", 1, 64, 56, 64, 3, 1, 1),
        ("r18_l2_down_b1", 1, 64, 56, 128, 3, 2, 1),
        ("r18_l2_b1", 1, 128, 28, 128, 3, 1, 1),
        ("r18_l3_b1", 1, 256, 14, 256, 3, 1, 1),
        ("r18_l4_b1", 1, 512, 7, 512, 3, 1, 1),
        ("r18_l4_1x1_b1", 1, 256, 14, 512, 1, 2, 1),
        ("r18_stem_b16", 16, 3, 224, 64, 7, 2, 1),
        ("r18_l1_b16", 16, 64, 56, 64, 3, 1, 1),
        ("r18_l3_b16", 16, 256, 14, 256, 3, 1, 1),
        ("r18_l4_b16", 16, 512, 7, 512, 3, 1, 1),
        ("dw3x3_s1_b16", 16, 144, 56, 144, 3, 1, 144),
        ("dw3x3_s2_b16", 16, 144, 56, 144, 3, 2, 144),
    ];

    public string Name => "B2_conv_layers";

    public string Description => "conv layers of B2 and ResNet-18: forward, dx, dw GFLOP/s (direct-conv FLOPs)";

    public void Run(BenchReport report)
    {
        string[] only = (Environment.GetEnvironmentVariable("FOVEA_CONV_LAYERS") ?? "").Split(',',
            StringSplitOptions.RemoveEmptyEntries);
        foreach (var l in s_layers)
        {
            if (only.Length > 0 && !only.Contains(l.Name))
                continue;
            int pad = l.K / 2;
            var g = new ConvGeometry(l.N, l.C, l.H, l.H, l.OC, l.K, l.K, l.Stride, l.Stride, pad, pad, pad, pad, 1,
                1, l.Groups);
            var rng = new Random(0);
            var x = GemmBench.RandomMatrix(rng, g.N * g.InputImage);
            var w = GemmBench.RandomMatrix(rng, g.WeightLength);
            var b = GemmBench.RandomMatrix(rng, g.OC);
            var y = new float[g.N * g.OutputImage];
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            double flop = 2.0 * g.N * g.OC * g.P * g.K;
            (string Pass, Action Call)[] passes =
            [
                ("forward", () => Conv2DKernels.Forward(x, w, b, y, g)),
                ("dx", () => Conv2DKernels.BackwardInput(y, w, dx, g)),
                ("dw", () => Conv2DKernels.BackwardWeight(y, x, dw, g)),
            ];
            string[] onlyPasses = (Environment.GetEnvironmentVariable("FOVEA_CONV_PASSES") ?? "").Split(',',
                StringSplitOptions.RemoveEmptyEntries);
            foreach (var (pass, call) in passes)
            {
                if (onlyPasses.Length > 0 && !onlyPasses.Contains(pass))
                    continue;
                var (seconds, iterations) = BenchReport.Time(call, trials: 5, secondsPerTrial: 0.2);
                report.Emit(Name, "GFLOP/s", seconds.Select(t => flop / t / 1e9).ToArray(), iterations,
                    BenchReport.Threads, ("layer", l.Name), ("pass", pass), ("ms", Math.Round(seconds.Min() * 1e3, 3)),
                    ("shape", $"{l.N}x{l.C}x{l.H}x{l.H}->{l.OC} k{l.K}s{l.Stride}g{l.Groups}"));
            }
        }
    }
}

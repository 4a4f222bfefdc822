using System.Diagnostics;
using Fovea.Autograd;
using Fovea.Explain;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Tensors;

namespace Fovea.Bench;

/// <summary>
/// Explanations of one 224×224 image (<see cref="Image"/>, the same formula as the PyTorch side; target class 281) by the zoo ResNet-18 (random
/// weights, seed 0, inference mode), timed the way bench/explain_torch.py times the same methods in PyTorch:
/// <list type="bullet">
/// <item><c>explain_gradcam_resnet18</c> (ms per map): Grad-CAM of <c>layer4</c>; the record also holds the time of
/// one plain forward pass plus one backward pass of the target logit to the input (<c>fwd_bwd_ms</c>) and the
/// ratio. 3 warm-up calls of each, then <c>trials</c> trials of 10 calls, per trial the mean.</item>
/// <item><c>explain_ig50_resnet18</c> (s per attribution): integrated gradients, 50 Gauss–Legendre points, zero
/// baseline, <c>internal_batch</c> points per forward/backward pass, plus the two forward passes of the completeness
/// error. One warm-up attribution, then <c>trials</c> trials of one attribution.</item>
/// <item><c>explain_lime1000_resnet18</c> (s per explanation): LIME with 1,000 masks over a fixed 7×7 grid of 32×32
/// superpixels (the same segments on both sides), hidden superpixels at their mean colour, masked images scored 64
/// at a time without gradients, the weighted ridge included; the segmentation is not in the timed part. SLIC's time
/// on the same image (50 segments, compactness 10) is reported apart as <c>slic_ms</c>. A warm-up run with 64 masks,
/// then <c>trials</c> trials of one explanation.</item>
/// </list>
/// <c>FOVEA_EXPLAIN_TRIALS</c> sets the trials (default 3) and <c>FOVEA_EXPLAIN_IG_BATCH</c> the integrated
/// gradients' internal batch (default 16).
/// </summary>
internal sealed class ExplainBench(string method) : IBenchmark
{
    private const int Target = 281;
    private const int Size = 224;
    private const int Grid = 7;

    public string Name => $"explain_{method}_resnet18";

    public string Description => method switch
    {
        "gradcam" => "Grad-CAM of layer4, ResNet-18, one 224x224 image, and one forward+backward (ms)",
        "ig50" => "integrated gradients, 50 Gauss-Legendre steps, ResNet-18, one 224x224 image (s)",
        _ => "LIME, 1,000 masks of 49 grid superpixels, batch 64, ResNet-18, one 224x224 image (s)",
    };

    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("FOVEA_EXPLAIN_TRIALS"), out int t)
        && t > 0 ? t : 3;

    public void Run(BenchReport report)
    {
        var net = ResNet.ResNet18(seed: 0);
        var x = Image();
        switch (method)
        {
            case "gradcam":
                GradCamCase(report, net, x);
                break;
            case "ig50":
                IntegratedGradientsCase(report, net, x);
                break;
            default:
                LimeCase(report, net, x);
                break;
        }
    }

    private static void GradCamCase(BenchReport report, Model net, Tensor x)
    {
        var cam = new GradCam(net, "layer4");
        const int calls = 10;
        var plain = Repeat(() => ForwardBackward(net, x), warmups: 3, calls);
        var times = Repeat(() => Scoped(() => cam.Attribute(x, Target)), warmups: 3, calls);
        double plainMedian = Median(plain), camMedian = Median(times);
        report.EmitLowerIsBetter("explain_gradcam_resnet18", "ms", times, calls, BenchReport.Threads,
            ("model", "resnet18"), ("batch", 1), ("layer", "layer4"), ("fwd_bwd_ms", plainMedian),
            ("fwd_bwd_best_ms", plain.Min()), ("ratio_to_fwd_bwd", camMedian / plainMedian));
    }

    private static void IntegratedGradientsCase(BenchReport report, Model net, Tensor x)
    {
        int batch = int.TryParse(Environment.GetEnvironmentVariable("FOVEA_EXPLAIN_IG_BATCH"), out int b) && b > 0
            ? b : 16;
        var ig = new IntegratedGradients(net)
        {
            Steps = 50, Rule = IntegrationRule.GaussLegendre, InternalBatchSize = batch,
        };
        float delta = 0;
        var times = Repeat(() => Scoped(() => delta = ig.Attribute(x, Target, null).ConvergenceDelta![0]),
            warmups: 1, calls: 1, scale: 1e-3);
        report.EmitLowerIsBetter("explain_ig50_resnet18", "s", times, 1, BenchReport.Threads,
            ("model", "resnet18"), ("batch", 1), ("steps", 50), ("rule", "gauss_legendre"),
            ("internal_batch", batch), ("baseline", "zeros"), ("completeness_error", delta));
    }

    private static void LimeCase(BenchReport report, Model net, Tensor x)
    {
        var image = x.ToArray();
        var slic = Stopwatch.StartNew();
        var labels = Slic.Segment(image, 3, Size, Size, segments: 50, compactness: 10f, convertToLab: true);
        double slicMs = slic.Elapsed.TotalMilliseconds;
        int slicCount = Slic.Count(labels);
        var grid = GridLabels();
        Lime Make(int samples) => new(net)
        {
            Samples = samples, BatchSize = 64, Seed = 0,
            Superpixels = new SuperpixelOptions { Segmentation = (_, _, _, _) => grid },
        };
        var warm = Make(64);
        var lime = Make(1000);
        Scoped(() => warm.Attribute(x, Target));
        var times = Repeat(() => Scoped(() => lime.Attribute(x, Target)), warmups: 0, calls: 1, scale: 1e-3);
        report.EmitLowerIsBetter("explain_lime1000_resnet18", "s", times, 1, BenchReport.Threads,
            ("model", "resnet18"), ("batch", 1), ("samples", 1000), ("batch_size", 64),
            ("superpixels", Grid * Grid), ("segmentation", "7x7 grid, not timed"), ("hide", "superpixel mean"),
            ("slic_ms", slicMs), ("slic_segments", slicCount));
    }

    /// <summary>A smooth synthetic image in [0, 1] (so that SLIC finds segments), computed the same way by
    /// bench/explain_torch.py: 0.5 + 0.25 sin(0.07 (c + 1) x + 0.05 y) + 0.25 cos(0.045 y − 0.03 (c + 1) x).</summary>
    private static Tensor Image()
    {
        var v = new float[3 * Size * Size];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    v[(c * Size + y) * Size + x] = (float)(0.5 + 0.25 * Math.Sin(0.07 * (c + 1) * x + 0.05 * y)
                        + 0.25 * Math.Cos(0.045 * y - 0.03 * (c + 1) * x));
                }
            }
        }
        return Tensor.Wrap(v, [1, 3, Size, Size]);
    }

    /// <summary>Labels of a 7×7 grid of 32×32 blocks.</summary>
    private static int[] GridLabels()
    {
        var labels = new int[Size * Size];
        int block = Size / Grid;
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
                labels[y * Size + x] = y / block * Grid + x / block;
        }
        return labels;
    }

    /// <summary>One forward pass recorded for backward and one backward pass of the target logit to the input.
    /// </summary>
    private static void ForwardBackward(Model net, Tensor x) => Scoped(() =>
    {
        var run = net.Capture(x, [], training: false, gradients: true);
        var seed = Tensor.Zeros(run.Output.Shape);
        seed[0, Target] = 1f;
        Gradients.Compute([run.Output], [run.Inputs[0]], [seed]);
    });

    private static void Scoped(Action call)
    {
        using var scope = TensorScope.Begin();
        call();
    }

    /// <summary><paramref name="warmups"/> calls, then the trials of <paramref name="calls"/> calls each; per trial
    /// the mean time of a call in ms times <paramref name="scale"/>.</summary>
    private static double[] Repeat(Action call, int warmups, int calls, double scale = 1)
    {
        for (int i = 0; i < warmups; i++)
            call();
        var times = new double[Trials];
        for (int t = 0; t < times.Length; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int c = 0; c < calls; c++)
                call();
            times[t] = clock.Elapsed.TotalMilliseconds / calls * scale;
        }
        return times;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

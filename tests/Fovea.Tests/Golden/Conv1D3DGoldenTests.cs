using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Conv1D, Conv3D, MaxPooling3D, AveragePooling3D, GlobalAveragePooling3D and BatchNormalization over [N, C, D, H, W]
/// against <c>tests/golden/conv1d3d.safetensors</c> (F.conv1d / F.conv3d with Keras 'same' and 'causal' padding
/// written as F.pad, F.max_pool3d / F.avg_pool3d, nn.BatchNorm3d), forward and backward through the layers.
/// Tolerances (<see cref="GoldenTolerance.Sum"/>, scaled by the largest expected value): a convolution output sums
/// Cg·K products, dx at most OCg·K, dw and db N·P; a max is an exact selection (atol 0) and its gradient sums at most
/// one contribution per window; an average and its gradient sum K values; batch norm sums M = N·D·H·W per channel.
/// </summary>
public sealed class Conv1D3DGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "conv1d3d";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        switch ((string)p["op"]!)
        {
            case "conv1d" or "conv3d":
                Convolution(g, c, p);
                break;
            case "bn3d":
                BatchNorm(g, c, p);
                break;
            default:
                Pooling(g, c, p);
                break;
        }
    }

    private static void Convolution(GoldenFile g, string c, JsonObject p)
    {
        var x = g.Input($"{c}.x");
        var w = g.Get($"{c}.w");
        bool bias = g.Has($"{c}.b");
        int groups = p["groups"]!.GetValue<int>();
        int[] strides = Ints(p["strides"]), dilations = Ints(p["dilations"]);
        var pads = p["pads"]!.AsArray();
        var padding = (string)p["padding"]! switch
        {
            "valid" => Padding.Valid,
            "same" => Padding.Same,
            "causal" => Padding.Causal,
            _ => Padding.Explicit(0, pads[0]![0]!.GetValue<int>(), 0, pads[0]![1]!.GetValue<int>()),
        };
        BaseConvNd layer = w.Rank == 3
            ? new Conv1D(w.Shape[0], w.Shape[2], strides[0], padding, dilations[0], groups, useBias: bias)
            : new Conv3D(w.Shape[0], (w.Shape[2], w.Shape[3], w.Shape[4]), (strides[0], strides[1], strides[2]),
                padding, (dilations[0], dilations[1], dilations[2]), groups, useBias: bias);
        using (GradMode.NoGrad())
            layer.Call(x);
        layer.Kernel.Assign(w.AsReadOnlySpan());
        if (bias)
            layer.Bias!.Assign(g.Get($"{c}.b").AsReadOnlySpan());
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));

        var yShape = g.Get($"{c}.y").Shape;
        int kernel = w.Length / (w.Shape[0] * w.Shape[1]);
        int positions = yShape.Length / yShape[1];
        g.Close($"{c}.y", y, GoldenTolerance.Sum(w.Shape[1] * kernel, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(w.Shape[0] / groups * kernel, g.MaxAbs($"{c}.dx")), 0);
        g.Close($"{c}.dw", layer.Kernel.Grad, GoldenTolerance.Sum(positions, g.MaxAbs($"{c}.dw")), 0);
        if (bias)
            g.Close($"{c}.db", layer.Bias!.Grad, GoldenTolerance.Sum(positions, g.MaxAbs($"{c}.db")), 0);
    }

    private static void Pooling(GoldenFile g, string c, JsonObject p)
    {
        var x = g.Input($"{c}.x");
        string op = (string)p["op"]!;
        Layer layer;
        int window = x.Length / (x.Shape[0] * x.Shape[1]);
        if (op == "gap3d")
        {
            layer = new GlobalAveragePooling3D();
        }
        else
        {
            int[] k = Ints(p["pool"]), s = Ints(p["strides"]);
            var padding = (string)p["padding"]! == "same" ? Padding.Same : Padding.Valid;
            window = k[0] * k[1] * k[2];
            layer = op == "max3d"
                ? new MaxPooling3D((k[0], k[1], k[2]), (s[0], s[1], s[2]), padding)
                : new AveragePooling3D((k[0], k[1], k[2]), (s[0], s[1], s[2]), padding);
        }
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        bool max = op == "max3d";
        g.Close($"{c}.y", y, max ? 0 : GoldenTolerance.Sum(window, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(window, g.MaxAbs($"{c}.dx")), 0);
    }

    /// <summary>
    /// BatchNormalization with nn.BatchNorm3d's γ, β and running statistics, marked warmed up so that the update is
    /// m·moving + (1 − m)·batch with the unbiased batch variance, as PyTorch's with momentum 1 − m.
    /// </summary>
    private static void BatchNorm(GoldenFile g, string c, JsonObject p)
    {
        var x = g.Input($"{c}.x");
        var layer = new BatchNormalization((float)p["momentum"]!.GetValue<double>(),
            (float)p["epsilon"]!.GetValue<double>());
        using (GradMode.NoGrad())
            layer.Call(x, training: false);
        layer.Gamma.Assign(g.Get($"{c}.gamma").AsReadOnlySpan());
        layer.Beta.Assign(g.Get($"{c}.beta").AsReadOnlySpan());
        layer.MovingMean.Assign(g.Get($"{c}.running_mean").AsReadOnlySpan());
        layer.MovingVariance.Assign(g.Get($"{c}.running_var").AsReadOnlySpan());
        layer.MarkWarmedUp();
        bool training = p["training"]!.GetValue<bool>();
        var y = layer.Call(x, training: training);
        y.Backward(g.Get($"{c}.r"));
        int m = x.Length / x.Shape[1];
        g.Close($"{c}.y", y, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.y")), 0);
        // dx is a difference of terms of size |γ|/σ·|dy|, up to about 3 here (|γ| ≤ 2, σ ≥ 0.5, |r| ≤ 4), larger
        // than dx itself where they cancel.
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(m, Math.Max(g.MaxAbs($"{c}.dx"), 10)), 0);
        g.Close($"{c}.dgamma", layer.Gamma.Grad, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.dgamma")), 0);
        g.Close($"{c}.dbeta", layer.Beta.Grad, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.dbeta")), 0);
        if (training)
        {
            g.Close($"{c}.running_mean_after", layer.MovingMean, GoldenTolerance.Sum(m, 1), 0);
            g.Close($"{c}.running_var_after", layer.MovingVariance, GoldenTolerance.Sum(m, 4), 0);
        }
        else
        {
            g.Close($"{c}.running_mean", layer.MovingMean, 0, 0);
            g.Close($"{c}.running_var", layer.MovingVariance, 0, 0);
        }
    }

    private static int[] Ints(JsonNode? n) => [.. n!.AsArray().Select(v => v!.GetValue<int>())];
}

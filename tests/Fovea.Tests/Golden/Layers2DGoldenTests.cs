using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// The 2D layers of issue 11 against <c>tests/golden/layers2d.safetensors</c> (<c>make_layers2d_golden.py</c>),
/// forward and backward, each called as a layer in training mode with the file's weights: GlobalMaxPooling2D and
/// GlobalAveragePooling2D with keepDims (torch.amax/mean; a case with ties, whose gradient amax shares evenly), ZeroPadding2D and Cropping2D (F.pad, slicing),
/// UpSampling2D (F.interpolate nearest and bilinear with align_corners=False), Conv2DTranspose (Keras's output sizes
/// and TensorFlow's cropping written with F.conv_transpose2d; explicit padding checked in the script against
/// F.conv_transpose2d's padding and output_padding), SeparableConv2D (F.conv2d depthwise then pointwise, Keras 'same')
/// and GroupNormalization (F.group_norm).
/// Tolerances (<see cref="GoldenTolerance.Sum"/>, scaled by the largest expected value): moves and maxima are exact
/// up to rounding of one term; bilinear sums 4 taps forward and up to 4·size taps per input backward; a convolution
/// sums C·KH·KW products per output, its input gradient filters·KH·KW, its weight gradient N·OH·OW; group norm sums
/// the elements of a group (y, dx) or the N·H·W positions of a channel (dγ, dβ).
/// </summary>
public sealed class Layers2DGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "layers2d";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        var (layer, terms) = Make(p, x.Shape);
        using (GradMode.NoGrad())
            layer.Call(x);
        var weights = Weights(layer, g, c);
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        g.Close($"{c}.y", y, GoldenTolerance.Sum(terms.Y, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(terms.Dx, g.MaxAbs($"{c}.dx")), 0);
        foreach (var (key, w) in weights)
            g.Close($"{c}.d{key}", w.Grad, GoldenTolerance.Sum(terms.Dw, g.MaxAbs($"{c}.d{key}")), 0);
    }

    private static Size2 Pair(JsonNode? n) => (n![0]!.GetValue<int>(), n[1]!.GetValue<int>());

    private static ((int, int), (int, int)) Sides(JsonNode? n) =>
        ((n![0]![0]!.GetValue<int>(), n[0]![1]!.GetValue<int>()),
         (n[1]![0]!.GetValue<int>(), n[1]![1]!.GetValue<int>()));

    /// <summary>The layer of a case and the number of terms summed per value of y, dx and the weight gradients.
    /// </summary>
    private static (Layer Layer, (int Y, int Dx, int Dw) Terms) Make(JsonObject p, Shape x)
    {
        switch ((string)p["op"]!)
        {
            case "global_max":
                return (new GlobalMaxPooling2D(p["keepdims"]!.GetValue<bool>()), (1, 1, 1));
            case "global_avg":
                return (new GlobalAveragePooling2D(p["keepdims"]!.GetValue<bool>()), (x[2] * x[3], 1, 1));
            case "zero_padding":
                return (new ZeroPadding2D(Sides(p["amounts"])), (1, 1, 1));
            case "cropping":
                return (new Cropping2D(Sides(p["amounts"])), (1, 1, 1));
            case "upsampling":
            {
                var size = Pair(p["size"]);
                var mode = (string)p["interpolation"]! == "nearest" ? Interpolation.Nearest : Interpolation.Bilinear;
                return (new UpSampling2D(size, mode), (4, 4 * size.Height * size.Width, 1));
            }
            case "conv_transpose":
            {
                var k = Pair(p["kernel"]);
                int filters = p["filters"]!.GetValue<int>();
                var padding = p["padding"] switch
                {
                    JsonArray a => Padding.Explicit(a[0]!.GetValue<int>(), a[1]!.GetValue<int>(),
                        a[2]!.GetValue<int>(), a[3]!.GetValue<int>()),
                    var s => (string)s! == "same" ? Padding.Same : Padding.Valid,
                };
                var layer = new Conv2DTranspose(filters, k, Pair(p["strides"]), padding,
                    p["output_padding"] is JsonArray op ? Pair(op) : null, Pair(p["dilation"]),
                    useBias: p["bias"]!.GetValue<bool>());
                return (layer, (x[1] * k.Height * k.Width, filters * k.Height * k.Width, x[0] * x[2] * x[3] * 16));
            }
            case "separable":
            {
                var k = Pair(p["kernel"]);
                int filters = p["filters"]!.GetValue<int>(), m = p["depth_multiplier"]!.GetValue<int>();
                var layer = new SeparableConv2D(filters, k, Pair(p["strides"]),
                    (string)p["padding"]! == "same" ? Padding.Same : Padding.Valid, m, Pair(p["dilation"]),
                    useBias: p["bias"]!.GetValue<bool>());
                int spatial = k.Height * k.Width;
                return (layer, (x[1] * m * spatial, filters * m * spatial, x[0] * x[2] * x[3] * filters));
            }
            case "group_norm":
            {
                int groups = p["groups"]!.GetValue<int>();
                bool affine = p["affine"]!.GetValue<bool>();
                var layer = new GroupNormalization(groups, p["epsilon"]!.GetValue<float>(), affine, affine);
                int group = x.Length / x[0] / groups;
                return (layer, (group, group, x.Length / x[1]));
            }
            default:
                throw new InvalidOperationException($"unknown op {p["op"]}");
        }
    }

    /// <summary>Assigns the golden weights to the built layer; returns them by their golden names (for "d" + name).
    /// </summary>
    private static List<(string Key, Parameter Weight)> Weights(Layer layer, GoldenFile g, string c)
    {
        var list = new List<(string, Parameter)>();
        void Set(string key, Parameter? w)
        {
            Assert.Equal(g.Has($"{c}.{key}"), w is not null);
            if (w is null)
                return;
            Assert.Equal(g.Get($"{c}.{key}").Shape, w.Shape);
            w.Assign(g.Get($"{c}.{key}").AsReadOnlySpan());
            list.Add((key, w));
        }
        switch (layer)
        {
            case Conv2DTranspose t:
                Set("w", t.Kernel);
                Set("b", t.Bias);
                break;
            case SeparableConv2D s:
                Set("wd", s.DepthwiseKernel);
                Set("wp", s.PointwiseKernel);
                Set("b", s.Bias);
                break;
            case GroupNormalization n:
                Set("gamma", n.Gamma);
                Set("beta", n.Beta);
                break;
        }
        return list;
    }
}

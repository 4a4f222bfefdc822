using Fovea.Autograd;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// Imported convolution, pooling, normalisation and resize ops. GroupNormalization (per-channel scale, opset 21) is
/// written for opset 17 as InstanceNormalization over [N, groups, rest] followed by the per-channel scale and bias.
/// </summary>
internal sealed partial class OnnxGraphExporter
{
    private string ExportNnOp(OpContext c) => c.Op.Op switch
    {
        "Conv" => ConvOp(c, "Conv"),
        "ConvTranspose" => ConvOp(c, "ConvTranspose"),
        "MaxPool" or "AveragePool" => PoolOp(c),
        "GlobalPool" => c.In(0).Rank >= 3
            ? Node(c.Args.String("kind") == "Max" ? "GlobalMaxPool" : "GlobalAveragePool", [Use(c, 0)])
            : throw new ArgumentException($"global pooling of {c.In(0).Shape}, which has no spatial axes"),
        "LRN" => Node("LRN", [Use(c, 0)], null, Attr("size", (long)c.Args.Int("size")),
            Attr("alpha", c.Args.Float("alpha", 1e-4f)), Attr("beta", c.Args.Float("beta", 0.75f)),
            Attr("bias", c.Args.Float("bias", 1f))),
        "LayerNormalization" => LayerNormOp(c),
        "GroupNormalization" => GroupNormOp(c),
        "BatchNormalization" => BatchNormOp(c),
        "Resize" => ResizeOp(c),
        var op => throw new ArgumentException($"canonical op '{op}' has no ONNX export"),
    };

    private string ConvOp(OpContext c, string op)
    {
        var inputs = new List<string> { Use(c, 0), Use(c, 1) };
        if (c.X.Length > 2 && c.X[2] is { } bias)
            inputs.Add(Use(bias));
        var attributes = new List<AttributeProto>
        {
            Attr("strides", c.Args.Ints("strides")), Attr("dilations", c.Args.Ints("dilations")),
            Attr("pads", c.Args.Ints("padsBefore").Concat(c.Args.Ints("padsAfter"))),
            Attr("group", (long)c.Args.Int("group", 1)),
        };
        if (op == "ConvTranspose")
            attributes.Add(Attr("output_padding", c.Args.Ints("outputPadding")));
        return Node(op, inputs, null, [.. attributes]);
    }

    private string PoolOp(OpContext c)
    {
        bool max = c.Op.Op == "MaxPool";
        var dilations = c.Args.Ints("dilations");
        var attributes = new List<AttributeProto>
        {
            Attr("kernel_shape", c.Args.Ints("kernel")), Attr("strides", c.Args.Ints("strides")),
            Attr("pads", c.Args.Ints("padsBefore").Concat(c.Args.Ints("padsAfter"))),
            Attr("ceil_mode", c.Args.Bool("ceil") ? 1L : 0L),
        };
        if (max)
        {
            attributes.Add(Attr("dilations", dilations));
        }
        else
        {
            if (dilations.Any(d => d != 1))
                throw new ArgumentException($"AveragePool with dilations [{string.Join(", ", dilations)}] needs " +
                    $"opset 19; the exporter writes opset {OnnxExporter.Opset}");
            attributes.Add(Attr("count_include_pad", c.Args.Bool("countIncludePad") ? 1L : 0L));
        }
        return Node(c.Op.Op, [Use(c, 0)], null, [.. attributes]);
    }

    /// <summary>
    /// LayerNormalization over the axes from "axis" on. ONNX wants a scale of the normalised shape: a scale or bias
    /// of another (broadcasting) shape is applied after a plain normalisation, as Fovea applies it.
    /// </summary>
    private string LayerNormOp(OpContext c)
    {
        var x = c.In(0);
        int axis = x.Shape.NormalizeAxis(c.Args.Int("axis", -1));
        float epsilon = c.Args.Float("epsilon", 1e-5f);
        var normalised = x.Shape.ToArray()[axis..];
        var scale = c.X.Length > 1 ? c.X[1] : null;
        var bias = c.X.Length > 2 ? c.X[2] : null;
        bool Fits(Operand? o) => o is null || o.Shape.ToArray().SkipWhile(d => d == 1).SequenceEqual(
            normalised.SkipWhile(d => d == 1)) && o.Rank <= normalised.Length;
        var attributes = new[] { Attr("axis", (long)axis), Attr("epsilon", epsilon) };
        if (Fits(scale) && Fits(bias))
        {
            string s = scale is null ? FloatConstant(Ones(normalised), normalised, "scale") : Use(scale);
            var inputs = bias is null ? new[] { Use(x), s } : [Use(x), s, Use(bias)];
            return Node("LayerNormalization", inputs, null, attributes);
        }
        string y = Node("LayerNormalization", [Use(x), FloatConstant(Ones(normalised), normalised, "scale")],
            "normalized", attributes);
        if (scale is not null)
            y = Node("Mul", [y, Use(scale)], bias is null ? null : "scaled");
        return bias is null ? y : Node("Add", [y, Use(bias)]);
    }

    private static float[] Ones(int[] dims) => Enumerable.Repeat(1f, dims.Aggregate(1, (p, d) => p * d)).ToArray();

    /// <summary>
    /// GroupNormalization: InstanceNormalization of x reshaped to [N, groups, rest] (unit scale, zero bias), reshaped
    /// back, times scale[c], plus bias[c].
    /// </summary>
    private string GroupNormOp(OpContext c)
    {
        var x = c.In(0);
        int groups = c.Args.Int("groups");
        if (x.Rank < 2 || groups <= 0 || x.Shape[1] % groups != 0)
            throw new ArgumentException($"{groups} groups do not divide the channels of {x.Shape}");
        string grouped = Node("Reshape", [Use(x), Int64Constant([0L, groups, -1L], role: "grouped_shape")],
            "grouped");
        string normalized = Node("InstanceNormalization", [grouped, FloatConstant(Ones([groups]), role: "ones"),
            FloatConstant(new float[groups], role: "zeros")], "normalized",
            Attr("epsilon", c.Args.Float("epsilon", 1e-5f)));
        var channel = Enumerable.Repeat(1, x.Rank).ToArray();
        channel[1] = x.Shape[1];
        var scale = c.X.Length > 1 ? c.X[1] : null;
        var bias = c.X.Length > 2 ? c.X[2] : null;
        string y = Node("Reshape", [normalized, Node("Shape", [Use(x)], "shape")],
            scale is null && bias is null ? null : "ungrouped");
        if (scale is not null)
            y = Node("Mul", [y, ChannelVector(scale, channel, "scale")], bias is null ? null : "scaled");
        return bias is null ? y : Node("Add", [y, ChannelVector(bias, channel, "bias")]);
    }

    /// <summary>A per-channel operand shaped <paramref name="dims"/> ([C], [1, C, 1, ...]).</summary>
    private string ChannelVector(Operand o, int[] dims, string role)
    {
        if (o.Constant is { } p)
            return Weight(p, new Shape(dims));
        return Node("Reshape", [o.Dynamic!.Name, Int64Constant(dims, role + "_shape")], role);
    }

    /// <summary>Inference-mode BatchNormalization with the statistics (scale, bias, mean, variance) as [C].</summary>
    private string BatchNormOp(OpContext c)
    {
        var x = c.In(0);
        if (x.Rank < 2)
            throw new ArgumentException($"batch normalisation of {x.Shape}, which has no channel axis");
        var inputs = new List<string> { Use(x) };
        for (int i = 1; i <= 4; i++)
            inputs.Add(ChannelVector(c.In(i), [x.Shape[1]], $"statistic{i}"));
        return Node("BatchNormalization", inputs, null, Attr("epsilon", c.Args.Float("epsilon", 1e-5f)));
    }

    /// <summary>
    /// Resize with the scales the import saw (output size floor(size·scale), which follows the batch by itself) or
    /// with the full output sizes, whose batch entry follows the running batch when flagged.
    /// </summary>
    private string ResizeOp(OpContext c)
    {
        var x = c.In(0);
        var a = c.Args;
        var attributes = new List<AttributeProto>
        {
            Attr("mode", Enum.Parse<ResizeMode>(a.String("mode", "Nearest")) switch
            {
                ResizeMode.Linear => "linear",
                ResizeMode.Cubic => "cubic",
                _ => "nearest",
            }),
            Attr("coordinate_transformation_mode",
                Enum.Parse<ResizeCoordinates>(a.String("coordinates", "HalfPixel")) switch
                {
                    ResizeCoordinates.HalfPixel => "half_pixel",
                    ResizeCoordinates.PytorchHalfPixel => "pytorch_half_pixel",
                    ResizeCoordinates.AlignCorners => "align_corners",
                    ResizeCoordinates.Asymmetric => "asymmetric",
                    ResizeCoordinates.TfHalfPixelForNearest => "tf_half_pixel_for_nn",
                    var m => throw new ArgumentException($"coordinate mode {m} needs opset 19; the exporter writes " +
                        $"opset {OnnxExporter.Opset}"),
                }),
            Attr("nearest_mode", Enum.Parse<NearestRounding>(a.String("nearest", "RoundPreferFloor")) switch
            {
                NearestRounding.RoundPreferCeil => "round_prefer_ceil",
                NearestRounding.Floor => "floor",
                NearestRounding.Ceil => "ceil",
                _ => "round_prefer_floor",
            }),
            Attr("cubic_coeff_a", a.Float("cubicA", -0.75f)),
            Attr("exclude_outside", a.Bool("excludeOutside") ? 1L : 0L),
        };
        if (a.Floats("scales") is { } scales)
            return Node("Resize", [Use(x), "", FloatConstant(scales, role: "scales")], null, [.. attributes]);
        var sizes = a.Longs("sizes");
        string sizesName;
        if (a.Bool("batch") && sizes.Length > 0 && BatchInput(c) is { } source)
            sizesName = Node("Concat", [BatchSize(source), Int64Constant(sizes[1..], role: "sizes")], "sizes",
                Attr("axis", 0L));
        else
            sizesName = IntVector(c, "sizes", sizes);
        return Node("Resize", [Use(x), "", "", sizesName], null, [.. attributes]);
    }
}

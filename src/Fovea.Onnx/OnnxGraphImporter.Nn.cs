using System.Text.Json.Nodes;
using Fovea.Layers;
using Fovea.Onnx.Ops;
using Fovea.Tensors;

namespace Fovea.Onnx;

internal sealed partial class OnnxGraphImporter
{
    private void RequireUnused(int fromOutput, string what)
    {
        for (int i = fromOutput; i < _node.Output.Count; i++)
        {
            if (OutputUsed(i))
                throw Unsupported($"output {i} ({what}) is used");
        }
    }

    /// <summary>Spatial geometry: kernel, strides, dilations and explicit pads (auto_pad resolved for the static
    /// input).</summary>
    private (int[] Kernel, int[] Strides, int[] Dilations, int[] Before, int[] After) Window(OnnxValue x,
        int[]? kernelFromWeight)
    {
        int k = x.Rank - 2;
        if (k < 1 || k > 3)
            throw Error($"expected input [N, C, ...] with 1 to 3 spatial axes, received {x.Shape}");
        var kernel = Ints("kernel_shape")?.Select(v => (int)v).ToArray() ?? kernelFromWeight
            ?? throw Error("kernel_shape is missing");
        var strides = Ints("strides")?.Select(v => (int)v).ToArray() ?? Enumerable.Repeat(1, k).ToArray();
        var dilations = Ints("dilations")?.Select(v => (int)v).ToArray() ?? Enumerable.Repeat(1, k).ToArray();
        if (kernel.Length != k || strides.Length != k || dilations.Length != k)
            throw Error($"kernel_shape, strides and dilations need {k} values for input {x.Shape}");
        if (kernel.Any(v => v <= 0) || strides.Any(v => v <= 0) || dilations.Any(v => v <= 0))
            throw Error("kernel_shape, strides and dilations must be positive");
        var before = new int[k];
        var after = new int[k];
        string autoPad = Str("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int a = 0; a < k; a++)
            {
                int size = x.Shape[2 + a];
                int outSize = (size + strides[a] - 1) / strides[a];
                int total = Math.Max(0, (outSize - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - size);
                (before[a], after[a]) = autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2,
                    total / 2);
            }
        }
        else if (autoPad is "NOTSET" or "")
        {
            var pads = Ints("pads");
            if (pads is not null)
            {
                if (pads.Length != 2 * k || pads.Any(p => p < 0 || p > int.MaxValue))
                    throw Error($"pads [{string.Join(", ", pads)}] do not fit {k} spatial axes");
                for (int a = 0; a < k; a++)
                    (before[a], after[a]) = ((int)pads[a], (int)pads[a + k]);
            }
        }
        else if (autoPad != "VALID")
        {
            throw Unsupported($"auto_pad '{autoPad}'");
        }
        return (kernel, strides, dilations, before, after);
    }

    [OnnxOperator("Conv")]
    private void Conv()
    {
        var (x, w, b) = (Required(0), Required(1), Input(2));
        var (kernel, strides, dilations, before, after) = Window(x, w.Rank > 2 ? w.Shape.ToArray()[2..] : null);
        int groups = Int32("group", 1);
        if (x.Rank == 4 && !x.IsConstant && w.Constant is { Rank: 4 } wc && (b is null || b.IsConstant) &&
            groups > 0 && wc.Shape[0] % groups == 0 && kernel.SequenceEqual(wc.Shape.ToArray()[2..]))
        {
            var conv = Construct(() => new Conv2D(wc.Shape[0], (kernel[0], kernel[1]), (strides[0], strides[1]),
                Padding.Explicit(before[0], before[1], after[0], after[1]), (dilations[0], dilations[1]), groups,
                useBias: b is not null, kernelInitializer: Initializers.HeNormal, name: LayerName()));
            var y = Emit(conv, x);
            conv.Kernel.Assign(wc.AsReadOnlySpan());
            if (b is not null)
                conv.Bias!.Assign(Exactly(b.Constant!, wc.Shape[0], "bias"));
            SetOutput(0, y);
            return;
        }
        var attrs = new JsonObject
        {
            ["strides"] = OnnxOpArgs.Array(strides), ["padsBefore"] = OnnxOpArgs.Array(before),
            ["padsAfter"] = OnnxOpArgs.Array(after), ["dilations"] = OnnxOpArgs.Array(dilations), ["group"] = groups,
        };
        SetOutput(0, Generic("Conv", attrs, [x, w, b], x.ElementType));
    }

    private ReadOnlySpan<float> Exactly(Tensor t, int length, string what) => t.Length == length
        ? t.AsReadOnlySpan() : throw Error($"the {what} has {t.Length} values, expected {length}");

    private T Construct<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw Error(e.Message, e);
        }
    }

    [OnnxOperator("ConvTranspose")]
    private void ConvTranspose()
    {
        var (x, w, b) = (Required(0), Required(1), Input(2));
        int k = x.Rank - 2;
        var kernel = Ints("kernel_shape")?.Select(v => (int)v).ToArray() ?? (w.Rank > 2 ? w.Shape.ToArray()[2..] : null);
        var strides = Ints("strides")?.Select(v => (int)v).ToArray() ?? Enumerable.Repeat(1, Math.Max(k, 0)).ToArray();
        var dilations = Ints("dilations")?.Select(v => (int)v).ToArray() ?? Enumerable.Repeat(1, Math.Max(k,
            0)).ToArray();
        var outputPadding = Ints("output_padding")?.Select(v => (int)v).ToArray() ?? new int[Math.Max(k, 0)];
        if (k < 1 || k > 3 || kernel is null || kernel.Length != k || strides.Length != k || dilations.Length != k ||
            outputPadding.Length != k)
            throw Error($"kernel, strides, dilations and output_padding do not fit input {x.Shape} and weight " +
                $"{w.Shape}");
        var before = new int[k];
        var after = new int[k];
        var outputShape = Ints("output_shape");
        string autoPad = Str("auto_pad", "NOTSET");
        if (outputShape is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var target = outputShape?.Select(v => (int)v).ToArray()[^k..] ?? x.Shape.ToArray()[2..].Select((s, a)
                => s * strides[a]).ToArray();
            for (int a = 0; a < k; a++)
            {
                int total = strides[a] * (x.Shape[2 + a] - 1) + outputPadding[a] + (kernel[a] - 1) * dilations[a]
                    + 1 - target[a];
                if (total < 0)
                {
                    outputPadding[a] -= total;
                    total = 0;
                }
                (before[a], after[a]) = autoPad == "SAME_LOWER" ? (total - total / 2, total / 2) : (total / 2,
                    total - total / 2);
            }
        }
        else if (Ints("pads") is { } pads)
        {
            if (pads.Length != 2 * k)
                throw Error($"pads [{string.Join(", ", pads)}] do not fit {k} spatial axes");
            for (int a = 0; a < k; a++)
                (before[a], after[a]) = ((int)pads[a], (int)pads[a + k]);
        }
        var attrs = new JsonObject
        {
            ["strides"] = OnnxOpArgs.Array(strides), ["padsBefore"] = OnnxOpArgs.Array(before),
            ["padsAfter"] = OnnxOpArgs.Array(after), ["dilations"] = OnnxOpArgs.Array(dilations),
            ["group"] = Int32("group", 1), ["outputPadding"] = OnnxOpArgs.Array(outputPadding),
        };
        SetOutput(0, Generic("ConvTranspose", attrs, [x, w, b], x.ElementType));
    }

    [OnnxOperator("MaxPool")]
    [OnnxOperator("AveragePool")]
    private void Pool()
    {
        var x = Required(0);
        bool max = _node.OpType == "MaxPool";
        RequireUnused(1, "indices");
        if (max && Int("storage_order", 0) != 0 && OutputUsed(1))
            throw Unsupported("storage_order 1");
        var (kernel, strides, dilations, before, after) = Window(x, null);
        var attrs = new JsonObject
        {
            ["kernel"] = OnnxOpArgs.Array(kernel), ["strides"] = OnnxOpArgs.Array(strides),
            ["padsBefore"] = OnnxOpArgs.Array(before), ["padsAfter"] = OnnxOpArgs.Array(after),
            ["dilations"] = OnnxOpArgs.Array(dilations), ["ceil"] = Int("ceil_mode", 0) != 0,
            ["countIncludePad"] = Int("count_include_pad", 0) != 0,
        };
        SetOutput(0, Generic(_node.OpType, attrs, [x], x.ElementType));
    }

    [OnnxOperator("GlobalAveragePool")]
    [OnnxOperator("GlobalMaxPool")]
    private void GlobalPool()
    {
        var x = Required(0);
        var attrs = new JsonObject { ["kind"] = _node.OpType == "GlobalMaxPool" ? "Max" : "Avg" };
        SetOutput(0, Generic("GlobalPool", attrs, [x], x.ElementType));
    }

    [OnnxOperator("BatchNormalization")]
    private void BatchNormalization()
    {
        var x = Required(0);
        var stats = Enumerable.Range(1, 4).Select(Required).ToArray();
        if (Opset < 9 && Int("spatial", 1) == 0)
            throw Unsupported("spatial=0 (per-element statistics)");
        if (Int("training_mode", 0) != 0)
            throw Unsupported("training_mode=1");
        RequireUnused(1, "running statistics");
        float eps = Float("epsilon", 1e-5f), momentum = Float("momentum", 0.9f);
        if (!x.IsConstant && x.Rank >= 2 && stats.All(s => s.Constant is not null && s.Constant.Length == x.Shape[1]) &&
            eps > 0 && momentum is >= 0 and <= 1)
        {
            var bn = Construct(() => new Layers.BatchNormalization(momentum, eps, name: LayerName()));
            var y = Emit(bn, x);
            bn.Gamma.Assign(stats[0].Constant!.AsReadOnlySpan());
            bn.Beta.Assign(stats[1].Constant!.AsReadOnlySpan());
            bn.MovingMean.Assign(stats[2].Constant!.AsReadOnlySpan());
            bn.MovingVariance.Assign(stats[3].Constant!.AsReadOnlySpan());
            bn.MarkWarmedUp();
            SetOutput(0, y);
            return;
        }
        SetOutput(0, Generic("BatchNormalization", new JsonObject { ["epsilon"] = eps }, [x, .. stats], x.ElementType));
    }

    [OnnxOperator("InstanceNormalization")]
    private void InstanceNormalization() => GroupNormalization(instance: true);

    [OnnxOperator("GroupNormalization")]
    private void GroupNormalization() => GroupNormalization(instance: false);

    private void GroupNormalization(bool instance)
    {
        var x = Required(0);
        if (x.Rank < 2)
            throw Error($"expected input [N, C, ...], received {x.Shape}");
        int channels = x.Shape[1];
        int groups = instance ? channels : Int32("num_groups", 1);
        if (groups <= 0 || channels % groups != 0)
            throw Error($"{groups} groups do not divide the {channels} channels of {x.Shape}");
        var scale = Input(1);
        var bias = Input(2);
        if (!instance && Opset < 21 && groups != channels)
        {
            scale = PerChannel(scale, groups, channels);
            bias = PerChannel(bias, groups, channels);
        }
        var attrs = new JsonObject { ["groups"] = groups, ["epsilon"] = Float("epsilon", 1e-5f) };
        SetOutput(0, Generic("GroupNormalization", attrs, [x, scale, bias], x.ElementType));
    }

    /// <summary>Opset 18–20 GroupNormalization scales per group: repeated for each channel of the group.</summary>
    private OnnxValue? PerChannel(OnnxValue? v, int groups, int channels)
    {
        if (v is null)
            return null;
        var c = v.Constant ?? throw Unsupported("a per-group scale that depends on the input");
        if (c.Length != groups)
            return v;
        var src = c.AsReadOnlySpan();
        var values = new float[channels];
        for (int i = 0; i < channels; i++)
            values[i] = src[i / (channels / groups)];
        return OnnxValue.Const(Tensor.Wrap(values, [channels]), v.ElementType, v.FromInitializer);
    }

    [OnnxOperator("LayerNormalization")]
    private void LayerNormalization()
    {
        var x = Required(0);
        RequireUnused(1, "mean and inverse standard deviation");
        int axis = (int)Int("axis", -1);
        int ax = axis < 0 ? axis + x.Rank : axis;
        var attrs = new JsonObject { ["axis"] = axis, ["epsilon"] = Float("epsilon", 1e-5f) };
        SetOutput(0, Generic("LayerNormalization", attrs, [x, Input(1), Input(2)], x.ElementType,
            batchMajor: x.BatchMajor && ax > 0));
    }

    [OnnxOperator("LRN")]
    private void Lrn()
    {
        var x = Required(0);
        var attrs = new JsonObject
        {
            ["size"] = Int32("size", 1), ["alpha"] = Float("alpha", 1e-4f), ["beta"] = Float("beta", 0.75f),
            ["bias"] = Float("bias", 1f),
        };
        SetOutput(0, Generic("LRN", attrs, [x], x.ElementType));
    }

    [OnnxOperator("Dropout")]
    private void Dropout()
    {
        var x = Required(0);
        RequireUnused(1, "mask");
        float ratio = Opset >= 12 ? (Input(1) is null ? 0.5f : ConstInput(1, "ratio").Item()) : Float("ratio", 0.5f);
        if (x.IsConstant || ratio <= 0)
        {
            SetOutput(0, x);
            return;
        }
        if (ratio >= 1)
            throw Error($"ratio {ratio} must be below 1");
        SetOutput(0, Emit(new Layers.Dropout(ratio, LayerName()), x));
    }
}

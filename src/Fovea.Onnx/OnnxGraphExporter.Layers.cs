using Fovea.Layers;
using Fovea.Onnx.Ops;
using Fovea.Models;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>Fovea's own layers as ONNX nodes (inference mode).</summary>
internal sealed partial class OnnxGraphExporter
{
    /// <summary>
    /// Exports one layer call. <paramref name="modelInput"/> is the first input of the model the layer belongs to
    /// (its axis 0 is the batch that imported ops follow); <paramref name="node"/> is the functional call, if any.
    /// </summary>
    private Value ExportLayer(Layer layer, Value[] inputs, string prefix, Value modelInput, LayerNode? node)
    {
        _layer = layer;
        _nodeBase = prefix + (layer.Name ?? Layer.DefaultName(layer.TypeName));
        if (layer is not MergeLayer && inputs.Length != 1)
            throw Unsupported($"expected one input, received {inputs.Length}");
        var x = inputs[0];
        return layer switch
        {
            Model nested => ExportModel(nested, [x], _nodeBase + "/")[0],
            BaseConv2D conv => Conv2D(conv, x),
            Dense dense => Dense(dense, x),
            BatchNormalization bn => BatchNorm(bn, x),
            Activation activation => Activate(activation.Function, x, null),
            ReLU => Same(x, Node("Relu", [x.Name])),
            LeakyReLU leaky => Same(x, Node("LeakyRelu", [x.Name], null, Attr("alpha", leaky.NegativeSlope))),
            PReLU prelu => PRelu(prelu, x),
            Layers.Softmax => Same(x, Node("Softmax", [x.Name], null, Attr("axis", -1L))),
            BasePooling2D pool => Pool2D(pool, x),
            GlobalAveragePooling2D => GlobalAveragePool(x),
            Flatten => x with { Name = Node("Flatten", [x.Name], null, Attr("axis", 1L)),
                Shape = new Shape(x.Shape[0], x.Shape.Length / Math.Max(1, x.Shape[0])) },
            Dropout or DropPath => x,
            Add => Sum(inputs),
            Layers.Multiply => Product(inputs),
            Concatenate concat => Concat(inputs, concat.Axis),
            OnnxOp op => ExportOnnxOp(op, inputs, modelInput, node ?? throw Unsupported(
                "an imported ONNX op outside a functional model")),
            _ => throw Unsupported($"layer type '{layer.TypeName}' has no ONNX export"),
        };
    }

    private static Value Same(Value x, string name) => x with { Name = name };

    /// <summary>An activation function (a layer's fused <c>activation:</c> or an Activation layer).</summary>
    private Value Activate(ActivationFunction? f, Value x, string? suffix)
    {
        if (f is null)
            return x;
        string name = f.Name switch
        {
            "linear" => x.Name,
            "relu" => Node("Relu", [x.Name], suffix),
            "sigmoid" => Node("Sigmoid", [x.Name], suffix),
            "tanh" => Node("Tanh", [x.Name], suffix),
            "softmax" => Node("Softmax", [x.Name], suffix, Attr("axis", -1L)),
            "leaky_relu" => Node("LeakyRelu", [x.Name], suffix, Attr("alpha", f.Alpha)),
            "swish" or "silu" => Node("Mul", [x.Name, Node("Sigmoid", [x.Name], $"{suffix ?? f.Name}/sigmoid")],
                suffix),
            _ => throw Unsupported($"activation '{f.Name}' has no ONNX export"),
        };
        return x with { Name = name };
    }

    /// <summary>Conv2D and DepthwiseConv2D: Conv with explicit pads [top, left, bottom, right].</summary>
    private Value Conv2D(BaseConv2D conv, Value x)
    {
        if (x.Rank != 4)
            throw Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        var (top, left, bottom, right) = conv.Padding.Resolve(h, w, conv.KernelSize, conv.Strides, conv.DilationRate);
        int groups = x.Shape[1] / conv.Kernel.Shape[1];
        var inputs = new List<string> { x.Name, Weight(conv.Kernel) };
        if (conv.Bias is not null)
            inputs.Add(Weight(conv.Bias));
        var (kh, kw) = (conv.KernelSize.Height, conv.KernelSize.Width);
        var (sh, sw) = (conv.Strides.Height, conv.Strides.Width);
        var (dh, dw) = (conv.DilationRate.Height, conv.DilationRate.Width);
        string y = Node("Conv", inputs, conv.Activation is null ? null : "conv",
            Attr("kernel_shape", new[] { kh, kw }), Attr("strides", new[] { sh, sw }),
            Attr("dilations", new[] { dh, dw }), Attr("pads", new[] { top, left, bottom, right }),
            Attr("group", (long)groups));
        int oh = (h + top + bottom - dh * (kh - 1) - 1) / sh + 1;
        int ow = (w + left + right - dw * (kw - 1) - 1) / sw + 1;
        var value = x with { Name = y, Shape = new Shape(x.Shape[0], conv.Kernel.Shape[0], oh, ow) };
        return Activate(conv.Activation, value, null);
    }

    /// <summary>Dense: Gemm(x, W, b, transB) on [N, in]; MatMul with Wᵀ and Add of b above two dimensions.</summary>
    private Value Dense(Dense dense, Value x)
    {
        var shape = x.Shape.With(x.Rank - 1, dense.Units);
        string? suffix = dense.Activation is null ? null : "linear";
        string y;
        if (x.Rank == 2)
        {
            var inputs = new List<string> { x.Name, Weight(dense.Kernel) };
            if (dense.Bias is not null)
                inputs.Add(Weight(dense.Bias));
            y = Node("Gemm", inputs, suffix, Attr("transB", 1L));
        }
        else
        {
            y = Node("MatMul", [x.Name, Weight(dense.Kernel, transposed: true)],
                dense.Bias is null ? suffix : "matmul");
            if (dense.Bias is not null)
                y = Node("Add", [y, Weight(dense.Bias)], suffix);
        }
        return Activate(dense.Activation, x with { Name = y, Shape = shape }, null);
    }

    /// <summary>Inference-mode batch normalisation with the moving statistics.</summary>
    private Value BatchNorm(BatchNormalization bn, Value x)
    {
        if (x.Rank < 2)
            throw Unsupported($"expected input [N, C, ...], received {x.Shape}");
        string y = Node("BatchNormalization",
            [x.Name, Weight(bn.Gamma), Weight(bn.Beta), Weight(bn.MovingMean), Weight(bn.MovingVariance)], null,
            Attr("epsilon", bn.Epsilon), Attr("momentum", bn.Momentum));
        return x with { Name = y };
    }

    /// <summary>PReLU with one slope per channel: the slope [C] reshaped to [C, 1, ...] to broadcast over x.</summary>
    private Value PRelu(PReLU prelu, Value x)
    {
        if (x.Rank < 2)
            throw Unsupported($"expected input [N, C, ...], received {x.Shape}");
        var slopeShape = new Shape([prelu.Alpha.Length, .. Enumerable.Repeat(1, x.Rank - 2)]);
        return x with { Name = Node("PRelu", [x.Name, Weight(prelu.Alpha, slopeShape)]) };
    }

    /// <summary>
    /// MaxPooling2D and AveragePooling2D with explicit pads (Same resolved for the input size); padded cells never
    /// win a max and are not counted in an average (count_include_pad 0), as in Fovea.
    /// </summary>
    private Value Pool2D(BasePooling2D pool, Value x)
    {
        if (x.Rank != 4)
            throw Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        var (top, left, bottom, right) = pool.Padding.Resolve(h, w, pool.PoolSize, pool.Strides, 1);
        var (kh, kw) = (pool.PoolSize.Height, pool.PoolSize.Width);
        var (sh, sw) = (pool.Strides.Height, pool.Strides.Width);
        var attributes = new List<AttributeProto>
        {
            Attr("kernel_shape", new[] { kh, kw }), Attr("strides", new[] { sh, sw }),
            Attr("pads", new[] { top, left, bottom, right }),
        };
        bool max = pool is MaxPooling2D;
        if (!max)
            attributes.Add(Attr("count_include_pad", 0L));
        string y = Node(max ? "MaxPool" : "AveragePool", [x.Name], null, [.. attributes]);
        int oh = (h + top + bottom - kh) / sh + 1, ow = (w + left + right - kw) / sw + 1;
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], oh, ow) };
    }

    /// <summary>Mean over height and width: [N, C, H, W] → [N, C].</summary>
    private Value GlobalAveragePool(Value x)
    {
        if (x.Rank != 4)
            throw Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string y = Node("ReduceMean", [x.Name], null, Attr("axes", new[] { 2, 3 }), Attr("keepdims", 0L));
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1]) };
    }

    /// <summary>Add: x₀ + x₁ (Add) or the sum of several (Sum).</summary>
    private Value Sum(Value[] inputs)
    {
        if (inputs.Length == 1)
            return inputs[0];
        string op = inputs.Length == 2 ? "Add" : "Sum";
        return inputs[0] with { Name = Node(op, inputs.Select(v => v.Name)),
            BatchMajor = inputs.Any(v => v.BatchMajor), Fixed = inputs.All(v => v.Fixed) };
    }

    /// <summary>Multiply: ((x₀·x₁)·x₂)·…, in Fovea's order.</summary>
    private Value Product(Value[] inputs)
    {
        string y = inputs[0].Name;
        for (int i = 1; i < inputs.Length; i++)
            y = Node("Mul", [y, inputs[i].Name], i == inputs.Length - 1 ? null : $"mul{i}");
        return inputs[0] with
        {
            Name = y, BatchMajor = inputs.Any(v => v.BatchMajor), Fixed = inputs.All(v => v.Fixed),
        };
    }

    /// <summary>Concatenate along <paramref name="axis"/>.</summary>
    private Value Concat(Value[] inputs, int axis)
    {
        if (inputs.Length == 1)
            return inputs[0];
        int ax = inputs[0].Shape.NormalizeAxis(axis);
        var shape = inputs[0].Shape.With(ax, inputs.Sum(v => v.Shape[ax]));
        string y = Node("Concat", inputs.Select(v => v.Name), null, Attr("axis", (long)ax));
        bool batch = inputs.Any(v => v.BatchMajor);
        return new Value(y, shape, ax != 0 && batch, inputs.All(v => v.Fixed) && (ax != 0 || !batch));
    }
}

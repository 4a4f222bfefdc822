using System.Text.Json.Nodes;
using Fovea.Kernels;
using Fovea.Layers;
using Fovea.Onnx.Ops;
using Fovea.Tensors;

namespace Fovea.Onnx;

internal sealed partial class OnnxGraphImporter
{
    /// <summary>The unary ops and their parameters (ONNX defaults).</summary>
    private (UnaryKind Kind, float A, float B) UnaryOf(string op) => op switch
    {
        "Exp" => (UnaryKind.Exp, 0, 0),
        "Log" => (UnaryKind.Log, 0, 0),
        "Sqrt" => (UnaryKind.Sqrt, 0, 0),
        "Neg" => (UnaryKind.Neg, 0, 0),
        "Abs" => (UnaryKind.Abs, 0, 0),
        "Reciprocal" => (UnaryKind.Reciprocal, 0, 0),
        "Erf" => (UnaryKind.Erf, 0, 0),
        "Softplus" => (UnaryKind.Softplus, 0, 0),
        "Softsign" => (UnaryKind.Softsign, 0, 0),
        "Elu" => (UnaryKind.Elu, Float("alpha", 1f), 0),
        "Selu" => (UnaryKind.Selu, Float("alpha", 1.6732632423543772f), Float("gamma", 1.0507009873554805f)),
        "Celu" => (UnaryKind.Celu, Float("alpha", 1f), 0),
        "HardSigmoid" => (UnaryKind.HardSigmoid, Float("alpha", 0.2f), Float("beta", 0.5f)),
        "HardSwish" => (UnaryKind.HardSwish, 0, 0),
        "Gelu" => (Str("approximate", "none") == "tanh" ? UnaryKind.GeluTanh : UnaryKind.Gelu, 0, 0),
        "Sin" => (UnaryKind.Sin, 0, 0),
        "Cos" => (UnaryKind.Cos, 0, 0),
        "ThresholdedRelu" => (UnaryKind.ThresholdedRelu, Float("alpha", 1f), 0),
        "Mish" => (UnaryKind.Mish, 0, 0),
        "Floor" => (UnaryKind.Floor, 0, 0),
        "Ceil" => (UnaryKind.Ceil, 0, 0),
        "Round" => (UnaryKind.Round, 0, 0),
        "Sign" => (UnaryKind.Sign, 0, 0),
        _ => throw Unsupported(),
    };

    [OnnxOperator("Exp")]
    [OnnxOperator("Log")]
    [OnnxOperator("Sqrt")]
    [OnnxOperator("Neg")]
    [OnnxOperator("Abs")]
    [OnnxOperator("Reciprocal")]
    [OnnxOperator("Erf")]
    [OnnxOperator("Softplus")]
    [OnnxOperator("Softsign")]
    [OnnxOperator("Elu")]
    [OnnxOperator("Selu")]
    [OnnxOperator("Celu")]
    [OnnxOperator("HardSigmoid")]
    [OnnxOperator("HardSwish")]
    [OnnxOperator("Gelu")]
    [OnnxOperator("Sin")]
    [OnnxOperator("Cos")]
    [OnnxOperator("ThresholdedRelu")]
    [OnnxOperator("Mish")]
    [OnnxOperator("Floor")]
    [OnnxOperator("Ceil")]
    [OnnxOperator("Round")]
    [OnnxOperator("Sign")]
    private void Unary()
    {
        var (kind, a, b) = UnaryOf(_node.OpType);
        Unary(kind, a, b);
    }

    private void Unary(UnaryKind kind, float a, float b)
    {
        var x = Required(0);
        var attrs = new JsonObject { ["kind"] = kind.ToString(), ["a"] = a, ["b"] = b };
        SetOutput(0, Generic("Unary", attrs, [x], x.ElementType));
    }

    [OnnxOperator("Add")]
    [OnnxOperator("Sub")]
    [OnnxOperator("Mul")]
    [OnnxOperator("Div")]
    private void Arithmetic()
    {
        var (a, b) = (Required(0), Required(1));
        var attrs = new JsonObject();
        if (_node.OpType == "Div" && OnnxTensors.IsInteger(a.ElementType))
            attrs["truncate"] = true;
        if (Opset < 7 && Int("broadcast", 0) != 0 && Attr("axis") is { } axisAttr && b.Rank < a.Rank)
            b = AlignLegacyBroadcast(b, a.Rank, (int)axisAttr.I);
        SetOutput(0, Generic(_node.OpType, attrs, [a, b], a.ElementType));
    }

    /// <summary>Opset-6 broadcasting with an axis: b's dims line up with a's from that axis (constants only).</summary>
    private OnnxValue AlignLegacyBroadcast(OnnxValue b, int rank, int axis)
    {
        if (axis < 0)
            axis += rank;
        var dims = Enumerable.Repeat(1, Math.Max(rank - axis, b.Rank)).ToArray();
        for (int i = 0; i < b.Rank; i++)
            dims[i] = b.Shape[i];
        if (b.Constant is { } c)
            return OnnxValue.Const(Tensor.Wrap(c.ToArray(), new Shape(dims)), b.ElementType, b.FromInitializer);
        var attrs = new JsonObject { ["shape"] = OnnxOpArgs.Array(dims), ["batch"] = false };
        return Generic("Reshape", attrs, [b], b.ElementType, batchMajor: false, suffix: "broadcast");
    }

    [OnnxOperator("Relu")]
    [OnnxOperator("Sigmoid")]
    [OnnxOperator("Tanh")]
    [OnnxOperator("LeakyRelu")]
    private void Activation()
    {
        var x = Required(0);
        if (x.IsConstant || x.Rank < 1)
        {
            var attrs = new JsonObject { ["alpha"] = Float("alpha", 0.01f) };
            SetOutput(0, Generic(_node.OpType, attrs, [x], x.ElementType));
            return;
        }
        Layer layer = _node.OpType switch
        {
            "Relu" => new ReLU(LayerName()),
            "Sigmoid" => new Activation(Activations.Sigmoid, LayerName()),
            "Tanh" => new Activation(Activations.Tanh, LayerName()),
            _ => new LeakyReLU(Float("alpha", 0.01f), LayerName()),
        };
        SetOutput(0, Emit(layer, x));
    }

    [OnnxOperator("PRelu")]
    private void PRelu()
    {
        var (x, slope) = (Required(0), Required(1));
        if (!x.IsConstant && slope.Constant is { } s && x.Rank >= 2 && s.Length == x.Shape[1] && x.Shape[1] > 1 &&
            (ChannelAligned(s.Shape, x.Rank) || (Opset < 7 && s.Rank == 1)))
        {
            var layer = new PReLU(name: LayerName());
            var y = Emit(layer, x);
            layer.Alpha.Assign(s.AsReadOnlySpan());
            SetOutput(0, y);
            return;
        }
        SetOutput(0, Generic("PRelu", [], [x, slope], x.ElementType));
    }

    /// <summary>
    /// Whether a tensor of <paramref name="shape"/> broadcasts along axis 1 of a rank-<paramref name="rank"/> tensor.
    /// </summary>
    private static bool ChannelAligned(Shape shape, int rank)
    {
        int offset = rank - shape.Rank;
        if (offset < 0 || offset > 1)
            return false;
        for (int i = 0; i < shape.Rank; i++)
        {
            if (i + offset != 1 && shape[i] != 1)
                return false;
        }
        return true;
    }

    [OnnxOperator("Clip")]
    private void Clip()
    {
        var x = Required(0);
        float min, max;
        if (Opset < 11)
        {
            (min, max) = (Float("min", float.NegativeInfinity), Float("max", float.PositiveInfinity));
        }
        else
        {
            min = Input(1) is null ? float.NegativeInfinity : ConstInput(1, "minimum").Item();
            max = Input(2) is null ? float.PositiveInfinity : ConstInput(2, "maximum").Item();
        }
        Unary(UnaryKind.Clip, min, max);
    }

    [OnnxOperator("Pow")]
    private void Pow()
    {
        var (x, e) = (Required(0), Required(1));
        if (!x.IsConstant && e.Constant is { Length: 1 } c && e.Rank <= x.Rank)
        {
            Unary(UnaryKind.Pow, c.AsReadOnlySpan()[0], 0);
            return;
        }
        SetOutput(0, Generic("Binary", new JsonObject { ["kind"] = nameof(BinaryKind.Pow) }, [x, e], x.ElementType));
    }

    [OnnxOperator("Max")]
    [OnnxOperator("Min")]
    [OnnxOperator("Sum")]
    [OnnxOperator("Mean")]
    private void Variadic()
    {
        var inputs = Enumerable.Range(0, InputCount).Select(Input).Where(v => v is not null).ToList();
        if (inputs.Count == 0)
            throw Error("no inputs");
        if (inputs.Count == 1)
        {
            SetOutput(0, inputs[0]!);
            return;
        }
        SetOutput(0, Generic("Variadic", new JsonObject { ["kind"] = _node.OpType }, inputs, inputs[0]!.ElementType));
    }

    [OnnxOperator("Equal")]
    [OnnxOperator("Less")]
    [OnnxOperator("LessOrEqual")]
    [OnnxOperator("Greater")]
    [OnnxOperator("GreaterOrEqual")]
    [OnnxOperator("And")]
    [OnnxOperator("Or")]
    [OnnxOperator("Xor")]
    [OnnxOperator("Mod")]
    private void Comparison()
    {
        var (a, b) = (Required(0), Required(1));
        var kind = _node.OpType switch
        {
            "Mod" => Int("fmod", 0) != 0 ? BinaryKind.FMod : BinaryKind.Mod,
            "Equal" => BinaryKind.Equal,
            "Less" => BinaryKind.Less,
            "LessOrEqual" => BinaryKind.LessOrEqual,
            "Greater" => BinaryKind.Greater,
            "GreaterOrEqual" => BinaryKind.GreaterOrEqual,
            "And" => BinaryKind.And,
            "Or" => BinaryKind.Or,
            _ => BinaryKind.Xor,
        };
        int type = kind is BinaryKind.Mod or BinaryKind.FMod ? a.ElementType : OnnxTensors.Bool;
        SetOutput(0, Generic("Binary", new JsonObject { ["kind"] = kind.ToString() }, [a, b], type));
    }

    [OnnxOperator("Not")]
    private void Not() => SetOutput(0, Generic("Not", [], [Required(0)], OnnxTensors.Bool));

    [OnnxOperator("Where")]
    private void Where() => SetOutput(0, Generic("Where", [], [Required(0), Required(1), Required(2)],
        Required(1).ElementType));

    [OnnxOperator("Softmax")]
    [OnnxOperator("LogSoftmax")]
    private void Softmax()
    {
        var x = Required(0);
        bool coerce = Opset < 13;
        int axis = (int)Int("axis", coerce ? 1 : -1);
        int ax = axis < 0 ? axis + x.Rank : axis;
        if (_node.OpType == "Softmax" && !x.IsConstant && x.Rank >= 1 && ax == x.Rank - 1)
        {
            SetOutput(0, Emit(new Layers.Softmax(LayerName()), x));
            return;
        }
        var attrs = new JsonObject { ["axis"] = axis, ["coerce"] = coerce };
        SetOutput(0, Generic(_node.OpType, attrs, [x], x.ElementType, batchMajor: x.BatchMajor && ax != 0));
    }

    [OnnxOperator("MatMul")]
    private void MatMul()
    {
        var (a, b) = (Required(0), Required(1));
        if (!a.IsConstant && b.Constant is { Rank: 2 } w && a.Rank >= 2)
        {
            var dense = new Dense(w.Shape[1], useBias: false, name: LayerName());
            var y = Emit(dense, a);
            dense.Kernel.Assign(Transposed(w));
            SetOutput(0, y);
            return;
        }
        bool batch = (a.BatchMajor && !a.IsConstant && a.Rank >= 2) || (a.IsConstant && b.BatchMajor && b.Rank >= 3);
        SetOutput(0, Generic("MatMul", [], [a, b], a.ElementType, batchMajor: batch));
    }

    /// <summary>The transpose of a [r, c] tensor's values ([c, r] row-major).</summary>
    private static float[] Transposed(Tensor w)
    {
        int r = w.Shape[0], c = w.Shape[1];
        var src = w.AsReadOnlySpan();
        var t = new float[r * c];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
                t[j * r + i] = src[i * c + j];
        }
        return t;
    }

    [OnnxOperator("Gemm")]
    private void Gemm()
    {
        var (a, b, c) = (Required(0), Required(1), Input(2));
        float alpha = Float("alpha", 1f), beta = Float("beta", 1f);
        bool transA = Int("transA", 0) != 0, transB = Int("transB", 0) != 0;
        if (!a.IsConstant && a.Rank == 2 && !transA && b.Constant is { Rank: 2 } w &&
            (c is null || c.Constant is { } cc && (cc.Length == 1 || cc.Length == (transB ? w.Shape[0] : w.Shape[1])
                && cc.Shape[cc.Rank - 1] == cc.Length)))
        {
            int units = transB ? w.Shape[0] : w.Shape[1];
            var dense = new Dense(units, useBias: c is not null, name: LayerName());
            var y = Emit(dense, a);
            var kernel = transB ? w.ToArray() : Transposed(w);
            if (alpha != 1f)
                TensorScale(kernel, alpha);
            dense.Kernel.Assign(kernel);
            if (c is not null)
            {
                var bias = c.Constant!.Length == 1 ? Enumerable.Repeat(c.Constant.AsReadOnlySpan()[0],
                    units).ToArray() : c.Constant.ToArray();
                TensorScale(bias, beta);
                dense.Bias!.Assign(bias);
            }
            SetOutput(0, y);
            return;
        }
        var attrs = new JsonObject { ["alpha"] = alpha, ["beta"] = beta, ["transA"] = transA, ["transB"] = transB };
        SetOutput(0, Generic("Gemm", attrs, [a, b, c], a.ElementType, batchMajor: a.BatchMajor && !transA));
    }

    private static void TensorScale(float[] values, float s)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] *= s;
    }

    [OnnxOperator("ArgMax")]
    [OnnxOperator("ArgMin")]
    private void ArgExtreme()
    {
        var x = Required(0);
        int axis = (int)Int("axis", 0);
        int ax = axis < 0 ? axis + x.Rank : axis;
        var attrs = new JsonObject
        {
            ["axis"] = axis, ["keepdims"] = Int("keepdims", 1) != 0, ["selectLast"] = Int("select_last_index", 0) != 0,
        };
        SetOutput(0, Generic(_node.OpType, attrs, [x], OnnxTensors.Int64, batchMajor: x.BatchMajor && ax != 0));
    }

    [OnnxOperator("ReduceSum")]
    [OnnxOperator("ReduceMean")]
    [OnnxOperator("ReduceMax")]
    [OnnxOperator("ReduceMin")]
    [OnnxOperator("ReduceSumSquare")]
    [OnnxOperator("ReduceL1")]
    [OnnxOperator("ReduceL2")]
    [OnnxOperator("ReduceLogSum")]
    [OnnxOperator("ReduceLogSumExp")]
    private void Reduce()
    {
        var x = Required(0);
        string kind = _node.OpType["Reduce".Length..];
        if (kind is not ("Sum" or "Mean" or "Max" or "Min" or "SumSquare" or "L1" or "L2" or "LogSum" or "LogSumExp"))
            throw Unsupported();
        bool axesAsInput = kind == "Sum" ? Opset >= 13 : Opset >= 18;
        long[]? axes = axesAsInput ? (Input(1) is null ? null : ConstLongs(1, "axes")) : Ints("axes");
        if ((axes is null || axes.Length == 0) && Int("noop_with_empty_axes", 0) != 0)
        {
            SetOutput(0, x);
            return;
        }
        var ax = (axes ?? []).Select(a => (int)(a < 0 ? a + x.Rank : a)).ToArray();
        if (ax.Any(a => a < 0 || a >= x.Rank))
            throw Error($"axes [{string.Join(", ", axes!)}] are out of range for {x.Shape}");
        bool keep = Int("keepdims", 1) != 0;
        var attrs = new JsonObject { ["kind"] = kind, ["axes"] = OnnxOpArgs.Array(ax), ["keepdims"] = keep };
        bool batch = x.BatchMajor && ax.Length > 0 && !ax.Contains(0);
        SetOutput(0, Generic("Reduce", attrs, [x], x.ElementType, batchMajor: batch));
    }
}

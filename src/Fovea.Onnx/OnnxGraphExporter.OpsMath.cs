using Fovea.Kernels;
using Fovea.Onnx.Ops;

namespace Fovea.Onnx;

/// <summary>
/// Imported elementwise, reduction, matrix and softmax ops. Fovea computes everything in float32, so comparisons
/// and logic (bool in ONNX), ArgMax (int64) and casts to integers are followed by a Cast back to float; Fovea's
/// integer truncation is a Cast to int64 and back. Ops missing from opset 17 are written as compositions: Gelu
/// (x/2·(1 + erf(x/√2)), or its tanh form), Mish (x·tanh(softplus x)) and Python's modulo (a − b·floor(a/b)).
/// </summary>
internal sealed partial class OnnxGraphExporter
{
    private string ExportMathOp(OpContext c) => c.Op.Op switch
    {
        "Add" or "Sub" or "Mul" => Node(c.Op.Op, [Use(c, 0), Use(c, 1)]),
        "Div" => c.Args.Bool("truncate")
            ? Truncate(Node("Div", [Use(c, 0), Use(c, 1)], "divide"))
            : Node("Div", [Use(c, 0), Use(c, 1)]),
        "Relu" or "Sigmoid" or "Tanh" => Node(c.Op.Op, [Use(c, 0)]),
        "LeakyRelu" => Node("LeakyRelu", [Use(c, 0)], null, Attr("alpha", c.Args.Float("alpha", 0.01f))),
        "Unary" => Unary(c, Enum.Parse<UnaryKind>(c.Args.String("kind")), c.Args.Float("a"), c.Args.Float("b")),
        "Binary" => Binary(Enum.Parse<BinaryKind>(c.Args.String("kind")), Use(c, 0), Use(c, 1)),
        "Where" => Node("Where", [ToBool(Use(c, 0), "condition"), Use(c, 1), Use(c, 2)]),
        "Not" => ToFloat(Node("Equal", [Use(c, 0), FloatScalar(0f, "zero")], "equal")),
        "PRelu" => PReluOp(c),
        "Variadic" => Node(c.Args.String("kind"), c.Present.Select(Use)),
        "Cast" => c.Args.String("to") switch
        {
            "int" => Truncate(Use(c, 0)),
            "bool" => ToFloat(ToBool(Use(c, 0), "bool")),
            _ => Use(c, 0),
        },
        "Reduce" => Reduce(c),
        "ArgMax" or "ArgMin" => ToFloat(Node(c.Op.Op, [Use(c, 0)], "index", Attr("axis", (long)c.Args.Int("axis")),
            Attr("keepdims", c.Args.Bool("keepdims", true) ? 1L : 0L),
            Attr("select_last_index", c.Args.Bool("selectLast") ? 1L : 0L))),
        "MatMul" => Node("MatMul", [Use(c, 0), Use(c, 1)]),
        "Gemm" => Node("Gemm", c.X.Length > 2 && c.X[2] is { } bias ? [Use(c, 0), Use(c, 1), Use(bias)]
            : [Use(c, 0), Use(c, 1)], null,
            Attr("alpha", c.Args.Float("alpha", 1f)), Attr("beta", c.Args.Float("beta", 1f)),
            Attr("transA", c.Args.Bool("transA") ? 1L : 0L), Attr("transB", c.Args.Bool("transB") ? 1L : 0L)),
        "Softmax" or "LogSoftmax" => SoftmaxOp(c),
        _ => ExportNnOp(c),
    };

    private string ToFloat(string x) => Node("Cast", [x], null, Attr("to", (long)OnnxTensors.Float));

    private string ToBool(string x, string role) => Node("Cast", [x], role, Attr("to", (long)OnnxTensors.Bool));

    /// <summary>Rounds toward zero: a cast to int64 and back.</summary>
    private string Truncate(string x) =>
        ToFloat(Node("Cast", [x], "to_int64", Attr("to", (long)OnnxTensors.Int64)));

    private string Unary(OpContext c, UnaryKind kind, float a, float b)
    {
        string x = Use(c, 0);
        return kind switch
        {
            UnaryKind.Elu or UnaryKind.Celu or UnaryKind.ThresholdedRelu => Node(kind.ToString(), [x], null,
                Attr("alpha", a)),
            UnaryKind.Selu => Node("Selu", [x], null, Attr("alpha", a), Attr("gamma", b)),
            UnaryKind.HardSigmoid => Node("HardSigmoid", [x], null, Attr("alpha", a), Attr("beta", b)),
            UnaryKind.Clip => Node("Clip", [x, FloatScalar(a, "min"), FloatScalar(b, "max")]),
            UnaryKind.Pow => Node("Pow", [x, FloatScalar(a, "exponent")]),
            UnaryKind.Gelu => Gelu(x),
            UnaryKind.GeluTanh => GeluTanh(x),
            UnaryKind.Mish => Node("Mul", [x, Node("Tanh", [Node("Softplus", [x], "softplus")], "tanh")]),
            _ => Node(kind.ToString(), [x]),
        };
    }

    /// <summary>x/2·(1 + erf(x/√2)).</summary>
    private string Gelu(string x)
    {
        string erf = Node("Erf", [Node("Mul", [x, FloatScalar(0.70710678118654752f, "inv_sqrt2")], "scaled")], "erf");
        string half = Node("Mul", [x, FloatScalar(0.5f, "half")], "half");
        return Node("Mul", [half, Node("Add", [erf, FloatScalar(1f, "one")], "one_plus")]);
    }

    /// <summary>x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    private string GeluTanh(string x)
    {
        string cube = Node("Mul", [Node("Mul", [x, x], "square"), x], "cube");
        string inner = Node("Add", [x, Node("Mul", [cube, FloatScalar(0.044715f, "c")], "cube_scaled")], "inner");
        string tanh = Node("Tanh", [Node("Mul", [inner, FloatScalar(0.7978845608028654f, "sqrt_2_over_pi")],
            "tanh_input")], "tanh");
        string half = Node("Mul", [x, FloatScalar(0.5f, "half")], "half");
        return Node("Mul", [half, Node("Add", [tanh, FloatScalar(1f, "one")], "one_plus")]);
    }

    private string Binary(BinaryKind kind, string a, string b) => kind switch
    {
        BinaryKind.Pow or BinaryKind.Max or BinaryKind.Min => Node(kind.ToString(), [a, b]),
        BinaryKind.FMod => Node("Mod", [a, b], null, Attr("fmod", 1L)),
        BinaryKind.Mod => Node("Sub", [a, Node("Mul", [b, Node("Floor", [Node("Div", [a, b], "quotient")], "floor")],
            "multiple")]),
        BinaryKind.And or BinaryKind.Or or BinaryKind.Xor =>
            ToFloat(Node(kind.ToString(), [ToBool(a, "a_bool"), ToBool(b, "b_bool")], "logic")),
        _ => ToFloat(Node(kind.ToString(), [a, b], "compare")),
    };

    /// <summary>
    /// PRelu: ONNX PRelu when the slope broadcasts into x; otherwise relu(x) + slope·(x − relu(x)) as Fovea computes
    /// it.
    /// </summary>
    private string PReluOp(OpContext c)
    {
        var (x, slope) = (c.In(0), c.In(1));
        int offset = x.Rank - slope.Rank;
        bool into = offset >= 0 && Enumerable.Range(0, slope.Rank).All(i => slope.Shape[i] == 1 ||
            (slope.Shape[i] == x.Shape[i + offset] && !(i + offset == 0 && x.BatchMajor)));
        if (into)
            return Node("PRelu", [Use(x), Use(slope)]);
        string relu = Node("Relu", [Use(x)], "relu");
        string negative = Node("Mul", [Use(slope), Node("Sub", [Use(x), relu], "negative_part")], "scaled");
        return Node("Add", [relu, negative]);
    }

    private string Reduce(OpContext c)
    {
        var axes = c.Args.Ints("axes");
        long keep = c.Args.Bool("keepdims", true) ? 1 : 0;
        string x = Use(c, 0);
        string kind = c.Args.String("kind");
        if (kind == "Sum")
        {
            return axes.Length == 0
                ? Node("ReduceSum", [x], null, Attr("keepdims", keep))
                : Node("ReduceSum", [x, Int64Constant(axes, "axes")], null, Attr("keepdims", keep));
        }
        if (kind is not ("Mean" or "Max" or "Min" or "SumSquare" or "L1" or "L2" or "LogSum" or "LogSumExp"))
            throw new ArgumentException($"unknown reduction '{kind}'");
        return axes.Length == 0
            ? Node("Reduce" + kind, [x], null, Attr("keepdims", keep))
            : Node("Reduce" + kind, [x], null, Attr("axes", axes), Attr("keepdims", keep));
    }

    /// <summary>
    /// Softmax over one axis, or (the opset &lt; 13 meaning, "coerce") over all axes from it on: flattened to
    /// [outer, inner], softmax over the rows, reshaped back.
    /// </summary>
    private string SoftmaxOp(OpContext c)
    {
        var x = c.In(0);
        if (x.Rank == 0)
            throw new ArgumentException("softmax of a scalar");
        int axis = x.Shape.NormalizeAxis(c.Args.Int("axis", -1));
        string op = c.Op.Op;
        if (!c.Args.Bool("coerce") || axis == x.Rank - 1)
            return Node(op, [Use(x)], null, Attr("axis", (long)axis));
        string flat = Node("Flatten", [Use(x)], "flatten", Attr("axis", (long)axis));
        string y = Node(op, [flat], "rows", Attr("axis", 1L));
        return Node("Reshape", [y, Node("Shape", [Use(x)], "shape")]);
    }
}

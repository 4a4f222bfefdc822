using Fovea.Autograd;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Onnx.Ops;

internal static partial class OnnxOpTable
{
    private static Tensor RunMath(string op, OnnxOpArgs a, Tensor?[] x, int batch) => op switch
    {
        "Add" => Functional.Add(x[0]!, x[1]!),
        "Sub" => Functional.Subtract(x[0]!, x[1]!),
        "Mul" => Functional.Multiply(x[0]!, x[1]!),
        "Div" => a.Bool("truncate") ? Truncate(Functional.Divide(x[0]!, x[1]!)) : Functional.Divide(x[0]!, x[1]!),
        "Relu" => Functional.Relu(x[0]!),
        "LeakyRelu" => Functional.LeakyRelu(x[0]!, a.Float("alpha", 0.01f)),
        "Sigmoid" => Functional.Sigmoid(x[0]!),
        "Tanh" => Functional.Tanh(x[0]!),
        "Unary" => Functional.Unary(x[0]!, Enum.Parse<UnaryKind>(a.String("kind")), a.Float("a"), a.Float("b")),
        "Binary" => Functional.Binary(x[0]!, x[1]!, Enum.Parse<BinaryKind>(a.String("kind"))),
        "Where" => Functional.Where(x[0]!, x[1]!, x[2]!),
        "Not" => Functional.Binary(x[0]!, Tensor.Scalar(0f), BinaryKind.Equal),
        "PRelu" => PRelu(x[0]!, x[1]!),
        "Variadic" => Variadic(a.String("kind"), x),
        "Cast" => Cast(a.String("to"), x[0]!),
        "Reduce" => Reduce(a, x[0]!),
        "ArgMax" or "ArgMin" => ArgExtreme(a, x[0]!, op == "ArgMax"),
        "MatMul" => Functional.BatchMatMul(x[0]!, x[1]!),
        "Gemm" => Gemm(a, x),
        "Softmax" or "LogSoftmax" => Softmax(a, x[0]!, op == "LogSoftmax"),
        _ => RunNn(op, a, x, batch),
    };

    /// <summary>Rounds toward zero (integer division and casts to integer types); no gradient.</summary>
    private static Tensor Truncate(Tensor x)
    {
        var y = Tensor.Empty(x.Shape);
        var xs = x.AsReadOnlySpan();
        var ys = y.AsSpan();
        for (int i = 0; i < ys.Length; i++)
            ys[i] = MathF.Truncate(xs[i]);
        return y;
    }

    /// <summary>
    /// PReLU with a broadcast slope: the per-channel kernel when the slope lines up with axis 1 ([C], [C, 1, ...]),
    /// otherwise y = r + slope·(x − r) with r = max(x, 0).
    /// </summary>
    private static Tensor PRelu(Tensor x, Tensor slope)
    {
        var s = slope.Shape.ToArray();
        int offset = x.Rank - s.Length;
        bool perChannel = x.Rank >= 2 && offset >= 0 && s.Length > 0 && slope.Length == x.Shape[1] &&
            s.Select((d, i) => i + offset == 1 ? d == x.Shape[1] : d == 1).All(b => b) && 1 - offset >= 0;
        if (perChannel)
            return Functional.PRelu(x, Functional.Reshape(slope, slope.Length));
        var r = Functional.Relu(x);
        return Functional.Add(r, Functional.Multiply(slope, Functional.Subtract(x, r)));
    }

    private static Tensor Variadic(string kind, Tensor?[] x)
    {
        var inputs = x.Where(t => t is not null).Select(t => t!).ToList();
        if (kind is "Sum" or "Mean" && inputs.All(t => t.Shape == inputs[0].Shape) && inputs.Count > 1)
        {
            var s = Functional.AddN(inputs);
            return kind == "Mean" ? Functional.Multiply(s, 1f / inputs.Count) : s;
        }
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            y = kind switch
            {
                "Max" => Functional.Maximum(y, inputs[i]),
                "Min" => Functional.Minimum(y, inputs[i]),
                _ => Functional.Add(y, inputs[i]),
            };
        }
        return kind == "Mean" && inputs.Count > 1 ? Functional.Multiply(y, 1f / inputs.Count) : y;
    }

    /// <summary>Everything is float32 at run time: casts to integers truncate, casts to bool test ≠ 0.</summary>
    private static Tensor Cast(string to, Tensor x) => to switch
    {
        "int" => Truncate(x),
        "bool" => Functional.Binary(Functional.Binary(x, Tensor.Scalar(0f), BinaryKind.Equal), Tensor.Scalar(0f),
            BinaryKind.Equal),
        _ => x,
    };

    private static Tensor Reduce(OnnxOpArgs a, Tensor x)
    {
        var axes = a.Ints("axes");
        bool keep = a.Bool("keepdims", true);
        return a.String("kind") switch
        {
            "Sum" => Functional.Sum(x, axes, keep),
            "Mean" => Functional.Mean(x, axes, keep),
            "Max" => Functional.Max(x, axes, keep),
            "Min" => Functional.Min(x, axes, keep),
            "SumSquare" => Functional.Sum(Functional.Multiply(x, x), axes, keep),
            "L1" => Functional.Sum(Functional.Abs(x), axes, keep),
            "L2" => Functional.Sqrt(Functional.Sum(Functional.Multiply(x, x), axes, keep)),
            "LogSum" => Functional.Log(Functional.Sum(x, axes, keep)),
            "LogSumExp" => LogSumExp(x, axes, keep),
            var k => throw new ArgumentException($"unknown reduction '{k}'"),
        };
    }

    private static Tensor LogSumExp(Tensor x, int[] axes, bool keep)
    {
        Tensor m;
        using (GradMode.NoGrad())
            m = Functional.Max(x, axes, keepDims: true);
        var y = Functional.Add(Functional.Log(Functional.Sum(Functional.Exp(Functional.Subtract(x, m)), axes, true)),
            m);
        return keep ? y : Functional.Reshape(y, y.Shape.ToArray().Where((_, i) =>
            !(axes.Length == 0 || axes.Select(ax => x.Shape.NormalizeAxis(ax)).Contains(i))).ToArray());
    }

    /// <summary>Index of the maximum (minimum) along an axis, as float; first occurrence unless selectLast.</summary>
    private static Tensor ArgExtreme(OnnxOpArgs a, Tensor x, bool max)
    {
        int axis = x.Shape.NormalizeAxis(a.Int("axis"));
        bool last = a.Bool("selectLast");
        int outer = 1, inner = 1, n = x.Shape[axis];
        for (int d = 0; d < axis; d++)
            outer *= x.Shape[d];
        for (int d = axis + 1; d < x.Rank; d++)
            inner *= x.Shape[d];
        var y = Tensor.Empty(x.Shape.With(axis, 1));
        var xs = x.AsReadOnlySpan();
        var ys = y.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int k = 1; k < n; k++)
                {
                    float v = xs[(o * n + k) * inner + i], b = xs[(o * n + best) * inner + i];
                    if (max ? v > b || (last && v == b) : v < b || (last && v == b))
                        best = k;
                }
                ys[o * inner + i] = best;
            }
        }
        return a.Bool("keepdims", true) ? y : Functional.Reshape(y, x.Shape.ToArray().Where((_, d) => d != axis).ToArray());
    }

    /// <summary>alpha·op(A)·op(B) + beta·C.</summary>
    private static Tensor Gemm(OnnxOpArgs a, Tensor?[] x)
    {
        var left = a.Bool("transA") ? Functional.Permute(x[0]!, 1, 0) : x[0]!;
        var right = a.Bool("transB") ? Functional.Permute(x[1]!, 1, 0) : x[1]!;
        var y = Functional.MatMul(left, right);
        float alpha = a.Float("alpha", 1f), beta = a.Float("beta", 1f);
        if (alpha != 1f)
            y = Functional.Multiply(y, alpha);
        if (x.Length > 2 && x[2] is { } c && beta != 0f)
            y = Functional.Add(y, beta == 1f ? c : Functional.Multiply(c, beta));
        return y;
    }

    /// <summary>
    /// Softmax over one axis, or (opsets before 13, "coerce") over all axes from it on, flattened.
    /// </summary>
    private static Tensor Softmax(OnnxOpArgs a, Tensor x, bool log)
    {
        if (x.Rank == 0)
            return log ? Functional.Multiply(x, 0f) : Functional.Add(Functional.Multiply(x, 0f), Tensor.Scalar(1f));
        int axis = x.Shape.NormalizeAxis(a.Int("axis", -1));
        if (a.Bool("coerce") && axis < x.Rank - 1)
        {
            int outer = 1;
            for (int d = 0; d < axis; d++)
                outer *= x.Shape[d];
            var flat = Functional.Reshape(x, outer, x.Length / Math.Max(1, outer));
            var y = log ? Functional.LogSoftmax(flat) : Functional.Softmax(flat);
            return Functional.Reshape(y, x.Shape.ToArray());
        }
        return log ? Functional.LogSoftmax(x, axis) : Functional.Softmax(x, axis);
    }
}

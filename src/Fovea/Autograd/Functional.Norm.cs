using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>Softmax over <paramref name="axis"/> (negative counts from the end).</summary>
    public static Tensor Softmax(Tensor x, int axis) => OverLastAxis(x, axis, Softmax);

    /// <summary>log(softmax(x)) over <paramref name="axis"/>, computed stably (x − logsumexp(x)).</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => OverLastAxis(x, axis, LogSoftmaxFunction.Apply);

    /// <summary>Moves <paramref name="axis"/> last, applies <paramref name="f"/> there, and moves it back.</summary>
    private static Tensor OverLastAxis(Tensor x, int axis, Func<Tensor, Tensor> f)
    {
        int a = x.Rank == 0 ? 0 : x.Shape.NormalizeAxis(axis);
        if (x.Rank == 0 || a == x.Rank - 1)
            return f(x);
        var perm = Enumerable.Range(0, x.Rank).Where(d => d != a).Append(a).ToArray();
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
            inverse[perm[i]] = i;
        return Permute(f(Permute(x, perm)), inverse);
    }

    /// <summary>
    /// Layer normalisation over the axes from <paramref name="axis"/> on (ONNX LayerNormalization):
    /// y = (x − μ)/√(σ² + ε)·scale + bias, with the biased variance; scale and bias (optional) broadcast against the
    /// normalised axes.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor? scale, Tensor? bias, int axis = -1, float epsilon = 1e-5f)
    {
        int a = x.Shape.NormalizeAxis(axis);
        int d = 1;
        for (int i = a; i < x.Rank; i++)
            d *= x.Shape[i];
        var y = NormalizeRowsFunction.Apply(x, d, epsilon);
        if (scale is not null)
            y = Multiply(y, scale);
        if (bias is not null)
            y = Add(y, bias);
        return y;
    }

    /// <summary>
    /// Group normalisation of x [N, C, ...] (ONNX GroupNormalization; InstanceNormalization when groups = C):
    /// each sample's channels are split into <paramref name="groups"/> groups normalised together, then
    /// y = ŷ·scale[c] + bias[c].
    /// </summary>
    public static Tensor GroupNorm(Tensor x, int groups, Tensor? scale, Tensor? bias, float epsilon = 1e-5f)
    {
        if (x.Rank < 2 || groups <= 0 || x.Shape[1] % groups != 0)
            throw new ArgumentException($"GroupNorm: {groups} groups do not divide the channels of {x.Shape}");
        int n = x.Shape[0], c = x.Shape[1];
        int d = x.Length / Math.Max(1, n * groups);
        var y = Reshape(NormalizeRowsFunction.Apply(Reshape(x, n * groups, d), d, epsilon), x.Shape.ToArray());
        var channelShape = Enumerable.Repeat(1, x.Rank).ToArray();
        channelShape[1] = c;
        if (scale is not null)
            y = Multiply(y, Reshape(scale, channelShape));
        if (bias is not null)
            y = Add(y, Reshape(bias, channelShape));
        return y;
    }

    /// <summary>
    /// Local response normalisation across channels (ONNX LRN, AlexNet): y = x/(bias + α/size·Σ x²)^β over a window
    /// of <paramref name="size"/> neighbouring channels.
    /// </summary>
    public static Tensor Lrn(Tensor x, int size, float alpha = 1e-4f, float beta = 0.75f, float bias = 1f) =>
        LrnFunction.Apply(x, size, alpha, beta, bias);

    /// <summary>
    /// Matrix product with NumPy semantics (ONNX MatMul): [..., m, k]·[..., k, n] → [..., m, n] with the leading
    /// axes broadcast; a 1-D operand is a row (left) or column (right) vector whose axis is removed afterwards.
    /// </summary>
    public static Tensor BatchMatMul(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: scalars cannot be multiplied as matrices ({a.Shape}, {b.Shape})");
        bool vecA = a.Rank == 1, vecB = b.Rank == 1;
        var a2 = vecA ? Reshape(a, 1, a.Shape[0]) : a;
        var b2 = vecB ? Reshape(b, b.Shape[0], 1) : b;
        int m = a2.Shape[-2], k = a2.Shape[-1], n = b2.Shape[-1];
        if (b2.Shape[-2] != k)
            throw new ArgumentException($"MatMul: {a.Shape} and {b.Shape} do not agree on the inner dimension");
        Tensor y;
        if (a2.Rank == 2 && b2.Rank == 2)
        {
            y = MatMul(a2, b2);
        }
        else
        {
            var batch = Kernels.Broadcast.ResultShape(a2.Shape.Dims[..^2], b2.Shape.Dims[..^2]);
            int count = batch.Aggregate(1, (p, v) => p * v);
            var ae = Expand(a2, [.. batch, m, k]);
            var be = Expand(b2, [.. batch, k, n]);
            y = BatchedMatMulFunction.Apply(Reshape(ae, count, m, k), Reshape(be, count, k, n));
            y = Reshape(y, [.. batch, m, n]);
        }
        if (vecA || vecB)
        {
            var dims = y.Shape.Dims.ToList();
            if (vecB)
                dims.RemoveAt(dims.Count - 1);
            if (vecA)
                dims.RemoveAt(dims.Count - (vecB ? 1 : 2));
            y = Reshape(y, dims.ToArray());
        }
        return y;
    }
}

using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Local response normalisation across channels of [N, C, ...]; see <see cref="NormKernels"/>.</summary>
internal sealed class LrnFunction(int size, float alpha, float beta) : Function
{
    private Tensor? _s;

    public override string Name => "LRN";

    public static Tensor Apply(Tensor x, int size, float alpha, float beta, float bias)
    {
        if (x.Rank < 2 || size <= 0)
            throw new ArgumentException($"LRN: expected input [N, C, ...] and a positive size, received {x.Shape} " +
                $"and {size}");
        int n = x.Shape[0], c = x.Shape[1], plane = x.Length / Math.Max(1, n * c);
        var y = Tensor.Empty(x.Shape);
        var s = Tensor.Empty(x.Shape);
        NormKernels.Lrn(x.AsReadOnlySpan(), y.AsSpan(), s.AsSpan(), n, c, plane, size, alpha, beta, bias);
        if (ShouldRecord(x))
            new LrnFunction(size, alpha, beta) { _s = s }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        int n = x.Shape[0], c = x.Shape[1], plane = x.Length / Math.Max(1, n * c);
        var dx = Tensor.Empty(x.Shape);
        NormKernels.LrnBackward(x.AsReadOnlySpan(), _s!.AsReadOnlySpan(), dy.AsReadOnlySpan(), dx.AsSpan(), n, c, plane,
            size, alpha, beta);
        return [dx];
    }
}

using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>PReLU with one learned slope per channel: x [N, C, ...], α [C]; y = x > 0 ? x : α[c]·x.</summary>
internal sealed class PReluFunction(int n, int c, int s) : Function
{
    public static Tensor Apply(Tensor x, Tensor alpha)
    {
        int n = x.Shape[0], c = x.Rank > 1 ? x.Shape[1] : 1;
        if (alpha.Length != c)
            throw new ArgumentException($"PReLU: {alpha.Length} slopes for {c} channels of input {x.Shape}");
        int s = x.Length / Math.Max(1, n * c);
        var y = Tensor.Empty(x.Shape);
        ActivationKernels.PRelu(x.AsReadOnlySpan(), alpha.AsReadOnlySpan(), y.AsSpan(), n, c, s);
        if (ShouldRecord(x, alpha))
            new PReluFunction(n, c, s).Record(y, x, alpha);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, alpha) = (Inputs[0]!, Inputs[1]!);
        var dx = NeedsGrad(0) ? Tensor.Empty(x.Shape) : null;
        var da = NeedsGrad(1) ? Tensor.Zeros(alpha.Shape) : null;
        ActivationKernels.PReluBackward(x.AsReadOnlySpan(), alpha.AsReadOnlySpan(), dy.AsReadOnlySpan(),
            dx is null ? default : dx.AsSpan(), da is null ? default : da.AsSpan(), n, c, s);
        return [dx, da];
    }
}

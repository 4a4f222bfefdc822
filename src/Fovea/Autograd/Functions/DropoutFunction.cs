using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Inverted dropout: each element is zeroed with probability <c>rate</c> and survivors are scaled by 1/(1 − rate),
/// so inference needs no rescaling. Each call takes one seed from the caller's generator and draws the mask
/// (0 or 1/(1 − rate)) with <see cref="DropoutKernels"/>; the mask is kept for backward: dx = dy ⊙ mask.
/// </summary>
internal sealed class DropoutFunction : Function
{
    private Tensor? _mask;

    public static Tensor Apply(Tensor x, float rate, Rng rng)
    {
        var mask = Tensor.Empty(x.Shape);
        var y = Tensor.Empty(x.Shape);
        DropoutKernels.Forward(x.AsReadOnlySpan(), mask.AsSpan(), y.AsSpan(), rate, rng.NextUInt64());
        if (ShouldRecord(x))
            new DropoutFunction { _mask = mask }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape);
        Elementwise.Multiply(dy.AsReadOnlySpan(), _mask!.AsReadOnlySpan(), dx.AsSpan());
        return [dx];
    }
}

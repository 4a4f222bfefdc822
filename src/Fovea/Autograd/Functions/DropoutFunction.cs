using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Inverted dropout: each element is zeroed with probability <c>rate</c> and survivors are scaled by 1/(1 − rate),
/// so inference needs no rescaling. The mask (0 or 1/(1 − rate)) is drawn from the caller's generator and kept
/// for backward: dx = dy ⊙ mask.
/// </summary>
internal sealed class DropoutFunction : Function
{
    private Tensor? _mask;

    public static Tensor Apply(Tensor x, float rate, Rng rng)
    {
        var mask = Tensor.Empty(x.Shape);
        FillMask(mask.AsSpan(), rate, rng);
        var y = Tensor.Empty(x.Shape);
        Elementwise.Multiply(x.AsReadOnlySpan(), mask.AsReadOnlySpan(), y.AsSpan());
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

    private static void FillMask(Span<float> mask, float rate, Rng rng)
    {
        float keep = 1f / (1f - rate);
        // Two 32-bit draws per 64-bit word; element kept when its draw ≥ rate·2³².
        ulong threshold = (ulong)(rate * 4294967296.0);
        int i = 0;
        for (; i + 1 < mask.Length; i += 2)
        {
            ulong r = rng.NextUInt64();
            mask[i] = (r & 0xFFFFFFFFUL) >= threshold ? keep : 0f;
            mask[i + 1] = (r >> 32) >= threshold ? keep : 0f;
        }
        if (i < mask.Length)
            mask[i] = (rng.NextUInt64() & 0xFFFFFFFFUL) >= threshold ? keep : 0f;
    }
}

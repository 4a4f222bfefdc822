using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>3-D convolution: x [N, C, D, H, W], w [OC, C/G, KD, KH, KW], b [OC] → y [N, OC, OD, OH, OW].</summary>
internal sealed class Conv3DFunction(Conv3DGeometry g) : Function
{
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b, Conv3DGeometry g)
    {
        var y = Tensor.Empty([g.N, g.OC, g.OD, g.OH, g.OW]);
        Conv3DKernels.Forward(x.AsReadOnlySpan(), w.AsReadOnlySpan(), b is null ? default : b.AsReadOnlySpan(),
            y.AsSpan(), g);
        if (ShouldRecord(x, w, b))
            new Conv3DFunction(g).Record(y, x, w, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, w, b) = (Inputs[0]!, Inputs[1]!, Inputs[2]);
        Tensor? dx = null, dw = null, db = null;
        if (NeedsGrad(0))
        {
            dx = Tensor.Empty(x.Shape);
            Conv3DKernels.BackwardInput(dy.AsReadOnlySpan(), w.AsReadOnlySpan(), dx.AsSpan(), g);
        }
        if (NeedsGrad(1))
        {
            dw = Tensor.Empty(w.Shape);
            Conv3DKernels.BackwardWeight(dy.AsReadOnlySpan(), x.AsReadOnlySpan(), dw.AsSpan(), g);
        }
        if (b is not null && NeedsGrad(2))
        {
            db = Tensor.Empty(b.Shape);
            Conv3DKernels.BackwardBias(dy.AsReadOnlySpan(), db.AsSpan(), g.N, g.OC, g.P);
        }
        return [dx, dw, db];
    }
}

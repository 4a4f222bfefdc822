using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>2-D convolution: x [N, C, H, W], w [OC, C/G, KH, KW], b [OC] → y [N, OC, OH, OW].</summary>
internal sealed class Conv2DFunction(ConvGeometry g) : Function
{
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b, ConvGeometry g)
    {
        var y = Tensor.Empty([g.N, g.OC, g.OH, g.OW]);
        Conv2DKernels.Forward(x.AsReadOnlySpan(), w.AsReadOnlySpan(), b is null ? default : b.AsReadOnlySpan(), y.AsSpan(), g);
        if (ShouldRecord(x, w, b))
            new Conv2DFunction(g).Record(y, x, w, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, w, b) = (Inputs[0]!, Inputs[1]!, Inputs[2]);
        Tensor? dx = null, dw = null, db = null;
        if (NeedsGrad(0))
        {
            dx = Tensor.Empty(x.Shape);
            Conv2DKernels.BackwardInput(dy.AsReadOnlySpan(), w.AsReadOnlySpan(), dx.AsSpan(), g);
        }
        if (NeedsGrad(1))
        {
            dw = Tensor.Empty(w.Shape);
            Conv2DKernels.BackwardWeight(dy.AsReadOnlySpan(), x.AsReadOnlySpan(), dw.AsSpan(), g);
        }
        if (b is not null && NeedsGrad(2))
        {
            db = Tensor.Empty(b.Shape);
            Conv2DKernels.BackwardBias(dy.AsReadOnlySpan(), db.AsSpan(), g);
        }
        return [dx, dw, db];
    }
}

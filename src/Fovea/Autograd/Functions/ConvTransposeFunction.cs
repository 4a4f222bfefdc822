using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Transposed 3-D convolution, the adjoint of <see cref="Conv3DFunction"/>: x [N, Cin, D, H, W] and
/// w [Cin, Cout/G, KD, KH, KW] give y [N, Cout, ...] = convᵀ(x), where the geometry <c>g</c> describes the forward
/// convolution from y's shape (C = Cout, OC = Cin) back to x's. Hence forward = conv backward-input,
/// dx = conv forward of dy, dw = conv backward-weight with the roles of x and dy swapped, db = Σ dy.
/// </summary>
internal sealed class ConvTransposeFunction(Conv3DGeometry g) : Function
{
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b, Conv3DGeometry g)
    {
        var y = Tensor.Empty([g.N, g.C, g.D, g.H, g.W]);
        Conv3DKernels.BackwardInput(x.AsReadOnlySpan(), w.AsReadOnlySpan(), y.AsSpan(), g);
        if (b is not null)
        {
            var ys = y.AsSpan();
            var bs = b.AsReadOnlySpan();
            for (int n = 0; n < g.N; n++)
            {
                for (int c = 0; c < g.C; c++)
                    Elementwise.AddScalar(ys.Slice((n * g.C + c) * g.S, g.S), bs[c], ys.Slice((n * g.C + c) * g.S,
                        g.S));
            }
        }
        if (ShouldRecord(x, w, b))
            new ConvTransposeFunction(g).Record(y, x, w, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, w, b) = (Inputs[0]!, Inputs[1]!, Inputs[2]);
        Tensor? dx = null, dw = null, db = null;
        if (NeedsGrad(0))
        {
            dx = Tensor.Empty(x.Shape);
            Conv3DKernels.Forward(dy.AsReadOnlySpan(), w.AsReadOnlySpan(), default, dx.AsSpan(), g);
        }
        if (NeedsGrad(1))
        {
            dw = Tensor.Empty(w.Shape);
            Conv3DKernels.BackwardWeight(x.AsReadOnlySpan(), dy.AsReadOnlySpan(), dw.AsSpan(), g);
        }
        if (b is not null && NeedsGrad(2))
        {
            db = Tensor.Empty(b.Shape);
            Conv3DKernels.BackwardBias(dy.AsReadOnlySpan(), db.AsSpan(), g.N, g.C, g.S);
        }
        return [dx, dw, db];
    }
}

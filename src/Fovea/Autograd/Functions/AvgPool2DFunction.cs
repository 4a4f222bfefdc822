using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Average pooling [N, C, H, W] → [N, C, OH, OW], padding not counted.</summary>
internal sealed class AvgPool2DFunction(PoolGeometry g) : Function
{
    public static Tensor Apply(Tensor x, PoolGeometry g)
    {
        var y = Tensor.Empty([g.N, g.C, g.OH, g.OW]);
        Pooling.AvgForward(x.AsReadOnlySpan(), y.AsSpan(), g);
        if (ShouldRecord(x))
            new AvgPool2DFunction(g).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(Inputs[0]!.Shape);
        Pooling.AvgBackward(dy.AsReadOnlySpan(), dx.AsSpan(), g);
        return [dx];
    }
}

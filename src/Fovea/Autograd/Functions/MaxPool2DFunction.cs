using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Max pooling [N, C, H, W] → [N, C, OH, OW]; the gradient goes to the first maximum of each window.</summary>
internal sealed class MaxPool2DFunction(PoolGeometry g) : Function
{
    public static Tensor Apply(Tensor x, PoolGeometry g)
    {
        var y = Tensor.Empty([g.N, g.C, g.OH, g.OW]);
        Pooling.MaxForward(x.AsReadOnlySpan(), y.AsSpan(), g);
        if (ShouldRecord(x))
            new MaxPool2DFunction(g).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        var dx = Tensor.Empty(x.Shape);
        Pooling.MaxBackward(x.AsReadOnlySpan(), dy.AsReadOnlySpan(), dx.AsSpan(), g);
        return [dx];
    }
}

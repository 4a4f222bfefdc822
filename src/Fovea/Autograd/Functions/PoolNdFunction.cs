using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Max or average pooling over [N, C, D, H, W] with the general window of <see
/// cref="PoolNdGeometry"/>.</summary>
internal sealed class PoolNdFunction(PoolNdGeometry g, bool max) : Function
{
    public override string Name => max ? "MaxPoolNd" : "AvgPoolNd";

    public static Tensor Apply(Tensor x, PoolNdGeometry g, bool max)
    {
        var y = Tensor.Empty([x.Shape[0], x.Shape[1], g.Output[0], g.Output[1], g.Output[2]]);
        if (max)
            PoolingNd.MaxForward(x.AsReadOnlySpan(), y.AsSpan(), g);
        else
            PoolingNd.AvgForward(x.AsReadOnlySpan(), y.AsSpan(), g);
        if (ShouldRecord(x))
            new PoolNdFunction(g, max).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        var dx = Tensor.Empty(x.Shape);
        if (max)
            PoolingNd.MaxBackward(x.AsReadOnlySpan(), dy.AsReadOnlySpan(), dx.AsSpan(), g);
        else
            PoolingNd.AvgBackward(dy.AsReadOnlySpan(), dx.AsSpan(), g);
        return [dx];
    }
}

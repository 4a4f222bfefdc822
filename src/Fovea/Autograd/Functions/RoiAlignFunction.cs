using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>RoIAlign [N, C, H, W] × [K, 5] → [K, C, PH, PW]; keeps a copy of the RoIs for backward. The RoIs get no
/// gradient (as in torchvision).</summary>
internal sealed class RoiAlignFunction(RoiAlignGeometry g, float[] rois) : Function
{
    public static Tensor Apply(Tensor x, Tensor rois, in RoiAlignGeometry g)
    {
        var y = Tensor.Empty([g.K, g.C, g.PH, g.PW]);
        RoiAlignKernels.Forward(x.AsReadOnlySpan(), rois.AsReadOnlySpan(), y.AsSpan(), g);
        if (ShouldRecord(x))
            new RoiAlignFunction(g, rois.ToArray()).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(Inputs[0]!.Shape);
        RoiAlignKernels.Backward(dy.AsReadOnlySpan(), rois, dx.AsSpan(), g);
        return [dx];
    }
}

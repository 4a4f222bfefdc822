using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Adaptive average pooling [N, C, H, W] → [N, C, OH, OW] (windows as PyTorch's).</summary>
internal sealed class AdaptiveAvgPool2DFunction(int oh, int ow) : Function
{
    public static Tensor Apply(Tensor x, int oh, int ow)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"AdaptiveAvgPool2D: expected input [N, C, H, W], received {x.Shape}");
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"AdaptiveAvgPool2D: output size must be positive, received ({oh}, {ow})");
        if (x.Shape[2] == 0 || x.Shape[3] == 0)
            throw new ArgumentException($"AdaptiveAvgPool2D: input {x.Shape} has no cells to average");
        int n = x.Shape[0], c = x.Shape[1];
        var y = Tensor.Empty([n, c, oh, ow]);
        AdaptivePooling.Forward(x.AsReadOnlySpan(), y.AsSpan(), n * c, x.Shape[2], x.Shape[3], oh, ow);
        if (ShouldRecord(x))
            new AdaptiveAvgPool2DFunction(oh, ow).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var shape = Inputs[0]!.Shape;
        var dx = Tensor.Empty(shape);
        AdaptivePooling.Backward(dy.AsReadOnlySpan(), dx.AsSpan(), shape[0] * shape[1], shape[2], shape[3], oh, ow);
        return [dx];
    }
}

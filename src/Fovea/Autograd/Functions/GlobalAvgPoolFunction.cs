using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Mean over every axis after the channel axis: [N, C, ...] → [N, C].</summary>
internal sealed class GlobalAvgPoolFunction(int planes, int size) : Function
{
    public static Tensor Apply(Tensor x)
    {
        if (x.Rank < 3)
            throw new ArgumentException($"global average pooling expects [N, C, ...spatial], received {x.Shape}");
        int n = x.Shape[0], c = x.Shape[1], s = x.Length / Math.Max(1, n * c);
        var y = Tensor.Empty([n, c]);
        Pooling.GlobalAvgForward(x.AsReadOnlySpan(), y.AsSpan(), n * c, s);
        if (ShouldRecord(x))
            new GlobalAvgPoolFunction(n * c, s).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(Inputs[0]!.Shape);
        Pooling.GlobalAvgBackward(dy.AsReadOnlySpan(), dx.AsSpan(), planes, size);
        return [dx];
    }
}

using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Log-softmax over the last axis; see <see cref="NormKernels"/>.</summary>
internal sealed class LogSoftmaxFunction(int rows, int d) : Function
{
    private Tensor? _y;

    public static Tensor Apply(Tensor x)
    {
        int d = x.Rank == 0 ? 1 : x.Shape[-1];
        int rows = d == 0 ? 0 : x.Length / d;
        var y = Tensor.Empty(x.Shape);
        NormKernels.LogSoftmax(x.AsReadOnlySpan(), y.AsSpan(), rows, d);
        if (ShouldRecord(x))
            new LogSoftmaxFunction(rows, d) { _y = y }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape);
        NormKernels.LogSoftmaxBackward(_y!.AsReadOnlySpan(), dy.AsReadOnlySpan(), dx.AsSpan(), rows, d);
        return [dx];
    }
}

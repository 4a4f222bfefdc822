using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Softmax over the last axis. The cross-entropy losses recognise a tensor made by this op and use its logits
/// directly (as Keras does), which is exact and numerically safer than taking the log of probabilities.
/// </summary>
internal sealed class SoftmaxFunction(int rows, int classes) : Function
{
    private Tensor? _y;

    public static Tensor Apply(Tensor x)
    {
        int classes = x.Shape[-1];
        int rows = classes == 0 ? 0 : x.Length / classes;
        var y = Tensor.Empty(x.Shape);
        SoftmaxKernels.Softmax(x.AsReadOnlySpan(), y.AsSpan(), rows, classes);
        y.SoftmaxSource = x;
        if (ShouldRecord(x))
            new SoftmaxFunction(rows, classes) { _y = y }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape);
        SoftmaxKernels.SoftmaxBackward(_y!.AsReadOnlySpan(), dy.AsReadOnlySpan(), dx.AsSpan(), rows, classes);
        return [dx];
    }
}

using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Mean softmax cross-entropy of logits [R, C] against class indices [R] or target probabilities [R, C], with
/// optional label smoothing; fused so that backward is simply (softmax − target)/R.
/// </summary>
internal sealed class SoftmaxCrossEntropyFunction(bool targetIsIndex, float smoothing, int rows, int classes) : Function
{
    private Tensor? _probabilities;
    private Tensor? _target;

    public static Tensor Apply(Tensor logits, Tensor target, float smoothing)
    {
        var (rows, classes, isIndex) = CheckTarget(logits, target, "cross-entropy");
        var p = Tensor.Empty(logits.Shape);
        var rowLoss = new double[rows];
        SoftmaxKernels.CrossEntropyForward(logits.AsReadOnlySpan(), target.AsReadOnlySpan(), isIndex, smoothing, p.AsSpan(),
            rowLoss, rows, classes);
        double sum = 0;
        foreach (double l in rowLoss)
            sum += l;
        var y = Tensor.Scalar((float)(sum / Math.Max(1, rows)));
        if (ShouldRecord(logits))
            new SoftmaxCrossEntropyFunction(isIndex, smoothing, rows, classes) { _probabilities = p, _target = target }
                .Record(y, logits);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(Inputs[0]!.Shape);
        SoftmaxKernels.CrossEntropyBackward(_probabilities!.AsReadOnlySpan(), _target!.AsReadOnlySpan(), targetIsIndex,
            smoothing, dy.Item() / Math.Max(1, rows), dx.AsSpan(), rows, classes);
        return [dx];
    }

    /// <summary>Validates a target against predictions [R, C]: class indices [R] or probabilities [R, C].</summary>
    internal static (int Rows, int Classes, bool IsIndex) CheckTarget(Tensor prediction, Tensor target, string what)
    {
        if (prediction.Rank < 1)
            throw new ArgumentException($"{what}: predictions must be [samples, classes], received {prediction.Shape}");
        int classes = prediction.Shape[-1];
        int rows = classes == 0 ? 0 : prediction.Length / classes;
        if (target.Shape == prediction.Shape)
            return (rows, classes, false);
        if (target.Length == rows && (target.Rank == prediction.Rank - 1 || target.Rank == prediction.Rank && target.Shape[-1] == 1))
            return (rows, classes, true);
        throw new ArgumentException(
            $"{what}: targets of shape {target.Shape} match neither the predictions {prediction.Shape} (probabilities) " +
            $"nor [{rows}] (class indices)");
    }
}

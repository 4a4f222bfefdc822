using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>
    /// Mean softmax cross-entropy of <paramref name="logits"/> [R, C] against class indices [R] or probabilities
    /// [R, C]; <paramref name="labelSmoothing"/> mixes the targets with the uniform distribution.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor target, float labelSmoothing = 0f)
    {
        CheckSmoothing(labelSmoothing);
        return SoftmaxCrossEntropyFunction.Apply(logits, target, labelSmoothing);
    }

    /// <summary>
    /// Mean cross-entropy of <paramref name="probabilities"/> (rows renormalised and clipped to [1e−7, 1 − 1e−7], as
    /// Keras does). When the probabilities come straight from <see cref="Softmax(Tensor)"/>, the exact fused softmax
    /// cross-entropy of its logits is used instead.
    /// </summary>
    public static Tensor CrossEntropy(Tensor probabilities, Tensor target, float labelSmoothing = 0f)
    {
        CheckSmoothing(labelSmoothing);
        if (probabilities.SoftmaxSource is { IsDisposed: false } logits)
            return SoftmaxCrossEntropyFunction.Apply(logits, target, labelSmoothing);
        return CrossEntropyFunction.Apply(probabilities, target, labelSmoothing);
    }

    private static void CheckSmoothing(float s)
    {
        if (s < 0 || s > 1)
            throw new ArgumentOutOfRangeException(nameof(s), $"label smoothing must be in [0, 1], received {s}");
    }
}

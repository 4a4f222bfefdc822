using Fovea.Kernels;
using Fovea.Layers;

namespace Fovea.Training;

/// <summary>
/// The arithmetic of a <see cref="Regularizer"/> over a weight's values, done by the training loop after backward
/// (Keras adds the same terms to its loss): the layer declares the penalty, training computes it, so layers never
/// touch spans or kernels.
/// </summary>
internal static class WeightPenalty
{
    /// <summary>l1·Σ|w| + l2·Σw² for weights <paramref name="w"/>, summed in double.</summary>
    public static double Penalty(Regularizer r, ReadOnlySpan<float> w)
    {
        double p = 0;
        if (r.L2 != 0)
            p += r.L2 * Elementwise.SumOfSquares(w);
        if (r.L1 != 0)
            p += r.L1 * System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(w);
        return p;
    }

    /// <summary>grad += ∂penalty/∂w = l1·sign(w) + 2·l2·w.</summary>
    public static void AddGradient(Regularizer r, ReadOnlySpan<float> w, Span<float> grad)
    {
        if (r.L2 != 0)
            Elementwise.AddScaled(grad, w, 2 * r.L2);
        if (r.L1 != 0)
        {
            for (int i = 0; i < w.Length; i++)
                grad[i] += r.L1 * MathF.Sign(w[i]);
        }
    }
}

using System.Text.Json.Nodes;
using Fovea.Kernels;

namespace Fovea.Layers;

/// <summary>
/// A weight penalty added to the training loss (Keras <c>kernel_regularizer</c>):
/// L1 adds l1·Σ|w|, L2 adds l2·Σw² (gradient 2·l2·w). Create them with <see cref="Regularizers"/>.
/// </summary>
public sealed class Regularizer
{
    internal Regularizer(float l1, float l2)
    {
        if (l1 < 0 || l2 < 0 || float.IsNaN(l1) || float.IsNaN(l2))
            throw new ArgumentOutOfRangeException(nameof(l1), $"regularization factors must be >= 0, received l1={l1}, l2={l2}");
        L1 = l1;
        L2 = l2;
    }

    public float L1 { get; }

    public float L2 { get; }

    /// <summary>The penalty for weights <paramref name="w"/>.</summary>
    public double Penalty(ReadOnlySpan<float> w)
    {
        double p = 0;
        if (L2 != 0)
            p += L2 * Elementwise.SumOfSquares(w);
        if (L1 != 0)
            p += L1 * System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(w);
        return p;
    }

    /// <summary>grad += ∂penalty/∂w.</summary>
    public void AddGradient(ReadOnlySpan<float> w, Span<float> grad)
    {
        if (L2 != 0)
            Elementwise.AddScaled(grad, w, 2 * L2);
        if (L1 != 0)
        {
            for (int i = 0; i < w.Length; i++)
                grad[i] += L1 * MathF.Sign(w[i]);
        }
    }

    public JsonObject GetConfig() => new() { ["class"] = "L1L2", ["l1"] = L1, ["l2"] = L2 };

    public override string ToString() => L1 == 0 ? $"L2({L2})" : L2 == 0 ? $"L1({L1})" : $"L1L2({L1}, {L2})";
}

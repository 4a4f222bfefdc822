using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// A weight penalty added to the training loss (Keras <c>kernel_regularizer</c>):
/// L1 adds l1·Σ|w|, L2 adds l2·Σw² (gradient 2·l2·w). Create them with <see cref="Regularizers"/>. A regularizer is
/// configuration only: the training loop (Fovea.Training) computes the penalty and adds its gradient.
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

    public JsonObject GetConfig() => new() { ["class"] = "L1L2", ["l1"] = L1, ["l2"] = L2 };

    public override string ToString() => L1 == 0 ? $"L2({L2})" : L2 == 0 ? $"L1({L1})" : $"L1L2({L1}, {L2})";
}

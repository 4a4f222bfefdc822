using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Elementwise product of its inputs with NumPy broadcasting (Keras <c>Multiply</c>), e.g. a gate or an attention
/// map applied to features: y = x₀ ⊙ x₁ ⊙ … (multiplied left to right). Shapes broadcast from the last axis, so
/// SE's channel weights [N, C, 1, 1] scale features [N, C, H, W]; the output has the broadcast shape.
/// </summary>
[RegisterLayer]
public sealed class Multiply(string? name = null) : MergeLayer(name)
{
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        BroadcastShape(inputs);
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
            y = Functional.Multiply(y, inputs[i]);
        return y;
    }

    protected override Shape? ComputeOutputShape(IReadOnlyList<Shape> inputShapes) => BroadcastShape(inputShapes);

    public static Multiply FromConfig(JsonObject c) => LayerConfig.Common(new Multiply(LayerConfig.Name(c)), c);
}

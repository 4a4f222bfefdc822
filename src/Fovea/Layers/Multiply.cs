using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Elementwise product of inputs of one shape (Keras <c>Multiply</c>), e.g. a gate or an attention map applied to
/// features: y = x₀ ⊙ x₁ ⊙ … (multiplied left to right). Shape: every input [N, ...] → [N, ...].
/// </summary>
[RegisterLayer]
public sealed class Multiply(string? name = null) : MergeLayer(name)
{
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var shape = inputs[0].Shape;
        for (int i = 1; i < inputs.Count; i++)
        {
            if (inputs[i].Shape != shape)
                throw new ArgumentException($"Multiply: input {i} has shape {inputs[i].Shape}, expected {shape} " +
                    "(the shape of input 0)");
        }
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
            y = Functional.Multiply(y, inputs[i]);
        return y;
    }

    public static Multiply FromConfig(JsonObject c) => LayerConfig.Common(new Multiply(LayerConfig.Name(c)), c);
}

using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Elementwise sum of its inputs with NumPy broadcasting (Keras <c>Add</c>), e.g. a residual connection
/// (inputs of one shape) or a per-channel bias [N, C, 1, 1] added to [N, C, H, W]; the output has the broadcast
/// shape. Inputs of one shape are summed in one pass.
/// </summary>
[RegisterLayer]
public sealed class Add(string? name = null) : MergeLayer(name)
{
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 1)
            return inputs[0];
        if (inputs.All(t => t.Shape == inputs[0].Shape))
            return Functional.AddN(inputs);
        BroadcastShape(inputs);
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
            y = Functional.Add(y, inputs[i]);
        return y;
    }

    protected override Shape? ComputeOutputShape(IReadOnlyList<Shape> inputShapes) => BroadcastShape(inputShapes);

    public static Add FromConfig(JsonObject c) => LayerConfig.Common(new Add(LayerConfig.Name(c)), c);
}

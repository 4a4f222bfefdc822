using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Elementwise sum of inputs of one shape (Keras <c>Add</c>), e.g. a residual connection.</summary>
[RegisterLayer]
public sealed class Add(string? name = null) : MergeLayer(name)
{
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => inputs.Count == 1 ? inputs[0] : Functional.AddN(inputs);

    protected override Shape? ComputeOutputShape(IReadOnlyList<Shape> inputShapes) =>
        inputShapes.All(s => s == inputShapes[0]) ? inputShapes[0] : (Shape?)null;

    public static Add FromConfig(JsonObject c) => LayerConfig.Common(new Add(LayerConfig.Name(c)), c);
}

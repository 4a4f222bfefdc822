using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>max(x, 0) (Keras <c>ReLU</c> layer).</summary>
[RegisterLayer]
public sealed class ReLU(string? name = null) : Layer(name)
{
    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training) => Functional.Relu(x);

    public static ReLU FromConfig(JsonObject c) => LayerConfig.Common(new ReLU(LayerConfig.Name(c)), c);
}

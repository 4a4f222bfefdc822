using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Softmax over the last axis (Keras <c>Softmax</c> layer).</summary>
[RegisterLayer]
public sealed class Softmax(string? name = null) : Layer(name)
{
    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training) => Functional.Softmax(x);

    public static Softmax FromConfig(JsonObject c) => LayerConfig.Common(new Softmax(LayerConfig.Name(c)), c);
}

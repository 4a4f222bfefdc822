using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>[N, d1, d2, ...] → [N, d1·d2·…] (a view, no copy).</summary>
[RegisterLayer]
public sealed class Flatten(string? name = null) : Layer(name)
{
    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank >= 1
        ? new Shape(inputShape[0], inputShape.Rank == 1 ? 1 : inputShape.Length / Math.Max(1, inputShape[0]))
        : throw ShapeError("[N, ...]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 1)
            throw ShapeError("[N, ...]", x.Shape);
        return Functional.Flatten(x);
    }

    public static Flatten FromConfig(JsonObject c) => LayerConfig.Common(new Flatten(LayerConfig.Name(c)), c);
}

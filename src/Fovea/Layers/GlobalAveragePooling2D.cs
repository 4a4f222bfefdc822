using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Mean over height and width: [N, C, H, W] → [N, C] (Keras <c>GlobalAveragePooling2D</c>).</summary>
[RegisterLayer]
public sealed class GlobalAveragePooling2D(string? name = null) : Layer(name)
{
    protected override Shape? ComputeOutputShape(Shape inputShape) =>
        inputShape.Rank == 4 ? new Shape(inputShape[0], inputShape[1]) : throw ShapeError("[N, C, H, W]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        return Functional.GlobalAvgPool(x);
    }

    public static GlobalAveragePooling2D FromConfig(JsonObject c) =>
        LayerConfig.Common(new GlobalAveragePooling2D(LayerConfig.Name(c)), c);
}

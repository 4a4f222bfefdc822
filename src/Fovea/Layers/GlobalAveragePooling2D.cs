using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Mean over height and width: [N, C, H, W] → [N, C], or [N, C, 1, 1] with <see cref="KeepDims"/>
/// (Keras <c>GlobalAveragePooling2D</c>).</summary>
[RegisterLayer]
public sealed class GlobalAveragePooling2D(bool keepDims = false, string? name = null) : Layer(name)
{
    /// <summary>A layer named <paramref name="name"/> that drops the spatial axes.</summary>
    public GlobalAveragePooling2D(string? name)
        : this(false, name)
    {
    }

    /// <summary>Keeps the spatial axes as size 1 ([N, C, 1, 1], Keras <c>keepdims</c>): ready to multiply with the
    /// feature map, as squeeze-and-excitation does.</summary>
    public bool KeepDims { get; } = keepDims;

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank != 4
        ? throw ShapeError("[N, C, H, W]", inputShape)
        : KeepDims ? new Shape(inputShape[0], inputShape[1], 1, 1) : new Shape(inputShape[0], inputShape[1]);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        var y = Functional.GlobalAvgPool(x);
        return KeepDims ? Functional.Reshape(y, x.Shape[0], x.Shape[1], 1, 1) : y;
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["keepdims"] = KeepDims;
        return c;
    }

    public static GlobalAveragePooling2D FromConfig(JsonObject c) => LayerConfig.Common(
        new GlobalAveragePooling2D(LayerConfig.Read(c, "keepdims", false), LayerConfig.Name(c)), c);
}

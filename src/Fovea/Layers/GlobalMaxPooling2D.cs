using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Maximum over height and width: [N, C, H, W] → [N, C], or [N, C, 1, 1] with <see cref="KeepDims"/>
/// (Keras <c>GlobalMaxPooling2D</c>). The gradient goes to the position of each maximum.</summary>
[RegisterLayer]
public sealed class GlobalMaxPooling2D(bool keepDims = false, string? name = null) : Layer(name)
{
    /// <summary>A layer named <paramref name="name"/> that drops the spatial axes.</summary>
    public GlobalMaxPooling2D(string? name)
        : this(false, name)
    {
    }

    /// <summary>Keeps the spatial axes as size 1 ([N, C, 1, 1], Keras <c>keepdims</c>).</summary>
    public bool KeepDims { get; } = keepDims;

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank != 4
        ? throw ShapeError("[N, C, H, W]", inputShape)
        : KeepDims ? new Shape(inputShape[0], inputShape[1], 1, 1) : new Shape(inputShape[0], inputShape[1]);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        return Functional.Max(x, [2, 3], KeepDims);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["keepdims"] = KeepDims;
        return c;
    }

    public static GlobalMaxPooling2D FromConfig(JsonObject c) => LayerConfig.Common(
        new GlobalMaxPooling2D(LayerConfig.Read(c, "keepdims", false), LayerConfig.Name(c)), c);
}

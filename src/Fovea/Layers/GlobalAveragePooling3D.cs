using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Mean over depth (time), height and width (Keras <c>GlobalAveragePooling3D</c>): [N, C, D, H, W] → [N, C], or
/// [N, C, 1, 1, 1] with <paramref name="keepDims"/>.
/// </summary>
[RegisterLayer]
public sealed class GlobalAveragePooling3D(bool keepDims = false, string? name = null) : Layer(name)
{
    /// <summary>Whether the pooled axes stay as size 1 ([N, C, 1, 1, 1]).</summary>
    public bool KeepDims { get; } = keepDims;

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 5)
            throw ShapeError("[N, C, D, H, W]", inputShape);
        return KeepDims ? new Shape(inputShape[0], inputShape[1], 1, 1, 1) : new Shape(inputShape[0], inputShape[1]);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5)
            throw ShapeError("[N, C, D, H, W]", x.Shape);
        var y = Functional.GlobalAvgPool(x);
        return KeepDims ? Functional.Reshape(y, x.Shape[0], x.Shape[1], 1, 1, 1) : y;
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["keepdims"] = KeepDims;
        return c;
    }

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static GlobalAveragePooling3D FromConfig(JsonObject c) =>
        LayerConfig.Common(new GlobalAveragePooling3D(LayerConfig.Read(c, "keepdims", false), LayerConfig.Name(c)), c);
}

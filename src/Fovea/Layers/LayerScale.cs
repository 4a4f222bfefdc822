using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Multiplies each channel (axis 1) by a learned scale, initialised to <see cref="InitValue"/> (CaiT's and
/// ConvNeXt's layer scale, Keras's <c>LayerScale</c>). The weight <c>layer_scale</c> has torchvision ConvNeXt's
/// shape [C, 1, ...] (one 1 per spatial axis), so a layer named after a torchvision block ("features.1.0") holds
/// that block's <c>layer_scale</c> parameter under the same name.
/// </summary>
[RegisterLayer]
public sealed class LayerScale : Layer
{
    public LayerScale(double initValue = 1e-6, string? name = null)
        : base(name)
    {
        if (!double.IsFinite(initValue))
            throw new ArgumentOutOfRangeException(nameof(initValue), $"LayerScale: initValue must be finite, received {initValue}");
        InitValue = initValue;
    }

    /// <summary>The initial value of every scale.</summary>
    public double InitValue { get; }

    /// <summary>The scales [C, 1, ...].</summary>
    public Parameter Scale { get; private set; } = null!;

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw ShapeError("[N, C, ...]", inputShape);
        Scale = AddWeight("layer_scale", [inputShape[1], .. Enumerable.Repeat(1, inputShape.Rank - 2)],
            Initializers.Constant((float)InitValue));
    }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Scale.Rank + 1 || x.Shape[1] != Scale.Shape[0])
            throw ShapeError($"[N, {Scale.Shape[0]}, ...] of rank {Scale.Rank + 1}", x.Shape);
        return Functional.Multiply(x, Scale);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["init_value"] = InitValue;
        return c;
    }

    public static LayerScale FromConfig(JsonObject c) => LayerConfig.Common(
        new LayerScale(c["init_value"]?.GetValue<double>() ?? 1e-6, LayerConfig.Name(c)), c);
}

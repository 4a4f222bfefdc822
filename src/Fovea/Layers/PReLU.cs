using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Parametric ReLU with one learned slope per channel (axis 1), initialised to <c>alphaInitializer</c> (zeros, as
/// in Keras; PyTorch starts at 0.25).
/// </summary>
[RegisterLayer]
public sealed class PReLU(Initializer? alphaInitializer = null, string? name = null) : Layer(name)
{
    public Initializer AlphaInitializer { get; } = alphaInitializer ?? Initializers.Zeros;

    public Parameter Alpha { get; private set; } = null!;

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw ShapeError("[N, C, ...]", inputShape);
        Alpha = AddWeight("alpha", [inputShape[1]], AlphaInitializer);
    }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 2 || x.Shape[1] != Alpha.Length)
            throw ShapeError($"[N, {Alpha.Length}, ...]", x.Shape);
        return Functional.PRelu(x, Alpha);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["alpha_initializer"] = AlphaInitializer.GetConfig();
        return c;
    }

    public static PReLU FromConfig(JsonObject c) => LayerConfig.Common(
        new PReLU(Initializers.FromConfig(c["alpha_initializer"] ?? new JsonObject { ["class"] = "Zeros" }), LayerConfig.Name(c)), c);
}

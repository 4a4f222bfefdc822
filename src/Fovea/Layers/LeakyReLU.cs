using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>x for x &gt; 0, negativeSlope·x otherwise (Keras <c>LeakyReLU</c>, default slope 0.3).</summary>
[RegisterLayer]
public sealed class LeakyReLU(float negativeSlope = 0.3f, string? name = null) : Layer(name)
{
    public float NegativeSlope { get; } = negativeSlope;

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training) => Functional.LeakyRelu(x, NegativeSlope);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["negative_slope"] = NegativeSlope;
        return c;
    }

    public static LeakyReLU FromConfig(JsonObject c) =>
        LayerConfig.Common(new LeakyReLU(LayerConfig.Read(c, "negative_slope", 0.3f), LayerConfig.Name(c)), c);
}

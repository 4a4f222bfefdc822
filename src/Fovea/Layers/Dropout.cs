using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Dropout (Keras <c>Dropout</c>): in training, zeroes each element with probability <see cref="Rate"/> and scales
/// the rest by 1/(1 − rate); in inference, the identity. The mask comes from the layer's seeded generator.
/// </summary>
[RegisterLayer]
public sealed class Dropout : Layer
{
    public Dropout(double rate, string? name = null)
        : base(name)
    {
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: rate must be in [0, 1), received {rate}");
        Rate = rate;
    }

    public double Rate { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training) => Functional.Dropout(x, (float)Rate, training, Rng);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        return c;
    }

    public static Dropout FromConfig(JsonObject c) =>
        LayerConfig.Common(new Dropout(c["rate"]!.GetValue<double>(), LayerConfig.Name(c)), c);
}

using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Applies an activation function: <c>new Activation(Activations.Swish)</c>.</summary>
[RegisterLayer]
public sealed class Activation(ActivationFunction function, string? name = null) : Layer(name)
{
    public ActivationFunction Function { get; } = function ?? throw new ArgumentNullException(nameof(function));

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training) => Function.Apply(x);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        LayerConfig.WriteActivation(c, Function);
        return c;
    }

    public static Activation FromConfig(JsonObject c) => LayerConfig.Common(new Activation(
        LayerConfig.ReadActivation(c) ?? Activations.Linear, LayerConfig.Name(c)), c);
}

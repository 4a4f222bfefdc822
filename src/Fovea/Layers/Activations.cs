using Fovea.Autograd;
using Fovea.Autograd.Functions;

namespace Fovea.Layers;

/// <summary>The activations: <c>Activations.Relu</c>, <c>Activations.Swish</c>, <c>Activations.Softmax</c>, ...</summary>
public static class Activations
{
    public static ActivationFunction Linear { get; } = new("linear", x => x);

    public static ActivationFunction Relu { get; } = new("relu", Functional.Relu, kind: ActivationKind.Relu);

    /// <summary>x·σ(x) (also named SiLU).</summary>
    public static ActivationFunction Swish { get; } = new("swish", Functional.Silu, kind: ActivationKind.Silu);

    /// <summary>The same function as <see cref="Swish"/>.</summary>
    public static ActivationFunction Silu { get; } = new("silu", Functional.Silu, kind: ActivationKind.Silu);

    public static ActivationFunction Sigmoid { get; } = new("sigmoid", Functional.Sigmoid, kind: ActivationKind.Sigmoid);

    public static ActivationFunction Tanh { get; } = new("tanh", Functional.Tanh, kind: ActivationKind.Tanh);

    /// <summary>Softmax over the last axis (classes).</summary>
    public static ActivationFunction Softmax { get; } = new("softmax", Functional.Softmax);

    /// <summary>min(max(x, 0), 6) (Keras <c>relu6</c>, PyTorch <c>ReLU6</c>; MobileNetV2).</summary>
    public static ActivationFunction Relu6 { get; } = new("relu6", x => Functional.Clip(x, 0f, 6f));

    /// <summary>LeakyReLU with the given negative slope (Keras's activation default is 0.2).</summary>
    public static ActivationFunction LeakyRelu(float alpha = 0.2f) =>
        new("leaky_relu", x => Functional.LeakyRelu(x, alpha), alpha, ActivationKind.LeakyRelu);

    /// <summary>Looks an activation up by its config name.</summary>
    public static ActivationFunction FromName(string name, float alpha = 0.2f) => name switch
    {
        "linear" => Linear,
        "relu" => Relu,
        "swish" => Swish,
        "silu" => Silu,
        "sigmoid" => Sigmoid,
        "tanh" => Tanh,
        "softmax" => Softmax,
        "leaky_relu" => LeakyRelu(alpha),
        "relu6" => Relu6,
        _ => throw new FoveaException($"unknown activation '{name}'; known: linear, relu, swish, silu, sigmoid, tanh, softmax, leaky_relu, relu6"),
    };
}

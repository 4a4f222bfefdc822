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

    /// <summary>GELU, x·Φ(x) with Φ the standard normal CDF (<paramref name="approximate"/> false, Keras's default,
    /// config name "gelu"), or its tanh approximation ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))) (true, PyTorch's
    /// <c>approximate='tanh'</c>, config name "gelu_tanh").</summary>
    public static ActivationFunction Gelu(bool approximate = false) => approximate ? s_geluTanh : s_gelu;

    private static readonly ActivationFunction s_gelu = new("gelu", Functional.Gelu, kind: ActivationKind.Gelu);
    private static readonly ActivationFunction s_geluTanh =
        new("gelu_tanh", Functional.GeluTanh, kind: ActivationKind.GeluTanh);

    /// <summary>clamp(x/6 + ½, 0, 1) (PyTorch's and Keras 3's form; Keras 2 used slope 0.2).</summary>
    public static ActivationFunction HardSigmoid { get; } =
        new("hard_sigmoid", Functional.HardSigmoid, kind: ActivationKind.HardSigmoid);

    /// <summary>x·clamp(x/6 + ½, 0, 1) (MobileNetV3).</summary>
    public static ActivationFunction HardSwish { get; } =
        new("hard_swish", Functional.HardSwish, kind: ActivationKind.HardSwish);

    /// <summary>x·tanh(softplus(x)).</summary>
    public static ActivationFunction Mish { get; } = new("mish", Functional.Mish, kind: ActivationKind.Mish);

    /// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise (default alpha 1).</summary>
    public static ActivationFunction Elu(float alpha = 1f) =>
        new("elu", x => Functional.Elu(x, alpha), alpha, ActivationKind.Elu);

    /// <summary>λ·ELU(x) with the fixed α ≈ 1.6733 and λ ≈ 1.0507 of self-normalising networks.</summary>
    public static ActivationFunction Selu { get; } = new("selu", Functional.Selu, kind: ActivationKind.Selu);

    /// <summary>ln(1 + eˣ).</summary>
    public static ActivationFunction Softplus { get; } =
        new("softplus", Functional.Softplus, kind: ActivationKind.Softplus);

    /// <summary>Looks an activation up by its config name; <paramref name="alpha"/> is LeakyReLU's slope (default 0.2)
    /// or ELU's α (default 1) and is ignored by the others.</summary>
    public static ActivationFunction FromName(string name, float? alpha = null) => name switch
    {
        "linear" => Linear,
        "relu" => Relu,
        "swish" => Swish,
        "silu" => Silu,
        "sigmoid" => Sigmoid,
        "tanh" => Tanh,
        "softmax" => Softmax,
        "leaky_relu" => LeakyRelu(alpha ?? 0.2f),
        "gelu" => Gelu(),
        "gelu_tanh" => Gelu(approximate: true),
        "hard_sigmoid" => HardSigmoid,
        "hard_swish" => HardSwish,
        "mish" => Mish,
        "elu" => Elu(alpha ?? 1f),
        "selu" => Selu,
        "softplus" => Softplus,
        "relu6" => Relu6,
        _ => throw new FoveaException($"unknown activation '{name}'; known: linear, relu, swish, silu, sigmoid, tanh, " +
            "softmax, leaky_relu, gelu, gelu_tanh, hard_sigmoid, hard_swish, mish, elu, selu, softplus, relu6"),
    };
}

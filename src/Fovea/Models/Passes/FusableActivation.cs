using Fovea.Autograd.Functions;
using Fovea.Layers;

namespace Fovea.Models.Passes;

/// <summary>The elementwise kernel behind an activation layer or a layer's <c>activation:</c> argument, if any: the one
/// definition of what a fused kernel can take in place of an activation layer.</summary>
internal static class FusableActivation
{
    /// <summary>ReLU, LeakyReLU, or an Activation whose function has a kernel (ReLU, LeakyReLU, SiLU/Swish, Sigmoid,
    /// Tanh); null otherwise.</summary>
    public static (ActivationKind Kind, float Alpha)? Of(Layer layer) => layer switch
    {
        ReLU => (ActivationKind.Relu, 0f),
        LeakyReLU l => (ActivationKind.LeakyRelu, l.NegativeSlope),
        Activation a => Of(a.Function),
        _ => null,
    };

    public static (ActivationKind Kind, float Alpha)? Of(ActivationFunction? function) =>
        function?.Kind is { } kind && InConvEpilogue(kind) ? (kind, function.Alpha) : null;

    /// <summary>The kinds the fused convolution's epilogue computes (<c>Functional.Conv2DInference</c>); the other
    /// activations (GELU, HardSwish, ELU, ...) run as their own op after the fused part.</summary>
    private static bool InConvEpilogue(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Silu or ActivationKind.Sigmoid
            or ActivationKind.Tanh => true,
        ActivationKind.Gelu or ActivationKind.GeluTanh or ActivationKind.HardSigmoid or ActivationKind.HardSwish
            or ActivationKind.Mish or ActivationKind.Elu or ActivationKind.Selu or ActivationKind.Softplus => false,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unclassified activation"),
    };
}

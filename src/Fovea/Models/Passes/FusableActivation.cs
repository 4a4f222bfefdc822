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
        function?.Kind is { } kind ? (kind, function.Alpha) : null;
}

using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>
    /// Inference-only convolution with what follows it fused: act(BN(conv(x, w) + b)), where BN uses its moving
    /// statistics. With s = γ/√(σ² + ε) per output channel, y = act(conv(x, w)·s + (b − μ)·s + β), the affine map and
    /// the activation (ReLU, LeakyReLU, SiLU, Sigmoid, Tanh or none) applied to each output block while it is in
    /// cache; the weights are read as they are (folding them would copy every weight on each call). Equal to the
    /// unfused layers up to float rounding. Records nothing for autograd: callers use it
    /// only when no input needs a gradient.
    /// </summary>
    internal static Tensor Conv2DInference(Tensor x, Tensor weight, Tensor? bias, Size2 strides, Padding padding,
        Size2 dilation, int groups, BatchNormFold? batchNorm, ActivationKind? activation, float alpha,
        WinogradWeightCache? cache = null)
    {
        CheckConvInputs(x, weight, bias, groups);
        var pads = padding.Resolve(x.Shape[2], x.Shape[3], (weight.Shape[2], weight.Shape[3]), strides, dilation);
        var g = new ConvGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[0], weight.Shape[2],
            weight.Shape[3], strides.Height, strides.Width, pads.Top, pads.Left, pads.Bottom, pads.Right,
            dilation.Height, dilation.Width, groups);
        var kind = activation switch
        {
            null => EpilogueActivation.None,
            ActivationKind.Relu => EpilogueActivation.Relu,
            ActivationKind.LeakyRelu => EpilogueActivation.LeakyRelu,
            ActivationKind.Silu => EpilogueActivation.Silu,
            ActivationKind.Sigmoid => EpilogueActivation.Sigmoid,
            ActivationKind.Tanh => EpilogueActivation.Tanh,
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };
        var y = Tensor.Empty([g.N, g.OC, g.OH, g.OW]);
        var algorithm = cache is null ? Conv2DKernels.ForwardAlgorithm(g) : Conv2DKernels.ForwardAlgorithmTransformed(g);
        var transformed = algorithm == ConvAlgorithm.Winograd && cache is not null ? cache.Get(weight, g) : default;
        if (batchNorm is not { } bn)
        {
            Conv2DKernels.ForwardFused(x.AsReadOnlySpan(), weight.AsReadOnlySpan(),
                bias is null ? default : bias.AsReadOnlySpan(), default, default, kind, alpha, y.AsSpan(), g,
                algorithm, transformed);
            return y;
        }
        if (bn.Gamma.Length != g.OC)
            throw new ArgumentException($"Conv2DInference: batch norm over {bn.Gamma.Length} channels after {g.OC}");
        var affine = Tensor.Empty([2, g.OC]);
        var both = affine.AsSpan();
        var scale = both[..g.OC];
        var shift = both[g.OC..];
        BatchNormKernels.InferenceAffine(bias is null ? default : bias.AsReadOnlySpan(), bn.Gamma.AsReadOnlySpan(),
            bn.Beta.AsReadOnlySpan(), bn.Mean.AsReadOnlySpan(), bn.Variance.AsReadOnlySpan(), bn.Epsilon, scale, shift);
        Conv2DKernels.ForwardFused(x.AsReadOnlySpan(), weight.AsReadOnlySpan(), default, scale, shift, kind, alpha,
            y.AsSpan(), g, algorithm, transformed);
        return y;
    }
}

/// <summary>The inference-mode batch normalisation fused into a convolution by
/// <see cref="Functional.Conv2DInference"/>: y = γ·(x − μ)/√(σ² + ε) + β per channel.</summary>
internal readonly record struct BatchNormFold(Tensor Gamma, Tensor Beta, Tensor Mean, Tensor Variance, float Epsilon);

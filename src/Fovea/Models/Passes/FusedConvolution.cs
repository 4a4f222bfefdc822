using Fovea.Autograd;
using Fovea.Autograd.Functions;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models.Passes;

/// <summary>
/// A convolution with the BatchNormalization and activation layers after it (each optional), as placed by
/// <see cref="FusionPass"/>. When nothing needs a gradient and the normalisation runs in inference mode, the chain is
/// one <see cref="Functional.Conv2DInference"/> (normalisation and activation applied to each output block in cache,
/// Winograd-transformed weights cached); otherwise the layers run as they would apart, with a BatchNormalization
/// followed by a fusable activation as one op. Results equal the layers run one by one, to float rounding.
/// </summary>
internal sealed class FusedConvolution(BaseConv2D conv, BatchNormalization? batchNorm, Layer? activationLayer)
    : Layer(conv.Name, conv.Rng)
{
    public override string TypeName => "FusedConvolution";

    protected override Tensor Forward(Tensor x, bool training)
    {
        var activation = activationLayer is not null ? FusableActivation.Of(activationLayer)
            : FusableActivation.Of(conv.Activation);
        if (CanFuse(x, training))
        {
            BatchNormFold? fold = batchNorm is null ? null : new BatchNormFold(batchNorm.Gamma, batchNorm.Beta,
                batchNorm.MovingMean, batchNorm.MovingVariance, batchNorm.Epsilon);
            try
            {
                return Functional.Conv2DInference(x, conv.Kernel, conv.Bias, conv.Strides, conv.Padding,
                    conv.DilationRate, conv.GroupCount, fold, activation?.Kind, activation?.Alpha ?? 0f,
                    conv.WinogradCache);
            }
            catch (ArgumentException e)
            {
                throw new FoveaException($"{conv.Describe()}: {e.Message} (input {x.Shape})", e);
            }
        }
        var y = conv.Call(x, training);
        if (batchNorm is null)
            return activationLayer is null ? y : activationLayer.Call(y, training);
        if (activationLayer is not null && activation is { } kind && BatchNormActivationFunction.Supports(kind.Kind))
            return batchNorm.Normalize(y, training, kind.Kind, kind.Alpha);
        y = batchNorm.Call(y, training);
        return activationLayer is null ? y : activationLayer.Call(y, training);
    }

    /// <summary>The one-op path applies: the input fits, the normalisation uses its moving statistics and no input
    /// needs a gradient.</summary>
    private bool CanFuse(Tensor x, bool training)
    {
        if (!conv.Accepts(x))
            return false;
        if (batchNorm is not null && ((training && batchNorm.Trainable) ||
            batchNorm.Gamma.Length != conv.Kernel.Shape[0]))
            return false;
        return !Function.ShouldRecord([x, conv.Kernel, conv.Bias, batchNorm?.Gamma, batchNorm?.Beta]);
    }
}

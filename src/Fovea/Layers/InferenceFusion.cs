using Fovea.Autograd;
using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Inference fusion of a convolution with what follows it: Conv2D/DepthwiseConv2D → BatchNormalization (inference
/// mode) → activation, or a convolution with its own activation, or a convolution followed by an activation layer,
/// run as one <see cref="Functional.Conv2DInference"/> (normalisation and activation applied to
/// each output block in cache). Used by models when no input of the chain needs a gradient (prediction, evaluation,
/// frozen bases); the results are those of the layers run apart, to float rounding.
/// </summary>
internal static class InferenceFusion
{
    /// <summary>
    /// How many of <paramref name="first"/>, <paramref name="second"/>, <paramref name="third"/> (consecutive layers,
    /// each feeding only the next) one fused call covers: 0 when <paramref name="first"/> is not a built convolution
    /// or has an activation that does not fuse, 1 for the convolution alone (which still gains the cached Winograd
    /// weights).
    /// </summary>
    public static int Match(Layer first, Layer? second, Layer? third, bool training)
    {
        if (first is not BaseConv2D { Built: true } conv)
            return 0;
        if (conv.Activation is { } own)
            return Fusable(own) is null ? 0 : 1;
        int count = 1;
        var next = second;
        if (second is BatchNormalization { Built: true } bn && !(training && bn.Trainable))
        {
            count = 2;
            next = third;
        }
        if (next is not null && ActivationOf(next) is not null)
            count++;
        return count;
    }

    /// <summary>
    /// Runs the <paramref name="count"/> layers from <paramref name="layers"/>[<paramref name="start"/>] (as matched by
    /// <see cref="Match"/>) fused; false, with nothing run, when an input needs a gradient or the input does not fit
    /// (the caller then runs the layers one by one, which reports any error).
    /// </summary>
    public static bool TryRun(Tensor x, bool training, IReadOnlyList<Layer> layers, int start, int count,
        out Tensor y)
    {
        y = null!;
        var conv = (BaseConv2D)layers[start];
        var bn = count > 1 ? layers[start + 1] as BatchNormalization : null;
        int actIndex = bn is null ? start + 1 : start + 2;
        var activationLayer = actIndex < start + count ? layers[actIndex] : null;
        if (!conv.Accepts(x) || (bn is not null && bn.Gamma.Length != conv.Kernel.Shape[0]))
            return false;
        if (Function.ShouldRecord([x, conv.Kernel, conv.Bias, bn?.Gamma, bn?.Beta]))
            return false;
        var (kind, alpha) = activationLayer is not null ? ActivationOf(activationLayer)!.Value
            : conv.Activation is { } own ? Fusable(own)!.Value : ((ActivationKind?)null, 0f);
        BatchNormFold? fold = bn is null ? null
            : new BatchNormFold(bn.Gamma, bn.Beta, bn.MovingMean, bn.MovingVariance, bn.Epsilon);
        y = conv.Invoke(x, training, (input, _) =>
        {
            try
            {
                return Functional.Conv2DInference(input, conv.Kernel, conv.Bias, conv.Strides, conv.Padding,
                    conv.DilationRate, conv.GroupCount, fold, kind, alpha, conv.WinogradCache);
            }
            catch (ArgumentException e)
            {
                throw new FoveaException($"{conv.Describe()}: {e.Message} (input {input.Shape})", e);
            }
        });
        bn?.RecordFusedCall(y.Shape, y.Shape);
        activationLayer?.RecordFusedCall(y.Shape, y.Shape);
        return true;
    }

    /// <summary>The kernel of an activation layer that fuses (ReLU, LeakyReLU, Activation of ReLU, LeakyReLU,
    /// SiLU, Sigmoid or Tanh), or null.</summary>
    private static (ActivationKind? Kind, float Alpha)? ActivationOf(Layer layer) => layer switch
    {
        ReLU => (ActivationKind.Relu, 0f),
        LeakyReLU l => (ActivationKind.LeakyRelu, l.NegativeSlope),
        Activation a => Fusable(a.Function),
        _ => null,
    };

    private static (ActivationKind? Kind, float Alpha)? Fusable(ActivationFunction f) =>
        f.Kind is ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Silu or ActivationKind.Sigmoid
            or ActivationKind.Tanh
            ? (f.Kind, f.Alpha)
            : null;
}

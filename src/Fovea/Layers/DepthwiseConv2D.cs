using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// Depthwise 2-D convolution (Keras <c>DepthwiseConv2D</c>): each input channel is convolved with its own
/// <c>depthMultiplier</c> filters; [N, C, H, W] → [N, C·depthMultiplier, OH, OW], kernel [C·m, 1, KH, KW].
/// </summary>
[RegisterLayer]
public sealed class DepthwiseConv2D : BaseConv2D
{
    public DepthwiseConv2D(Size2 kernelSize, Size2? strides = null, Padding padding = default,
        int depthMultiplier = 1, Size2? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, string? name = null)
        : base(kernelSize, strides, padding, dilationRate, activation, useBias, depthwiseInitializer, biasInitializer,
            depthwiseRegularizer, name)
    {
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"depthMultiplier must be positive, received {depthMultiplier}");
        DepthMultiplier = depthMultiplier;
    }

    public int DepthMultiplier { get; }

    protected override (int Filters, int Groups) Channels(int inputChannels) => (inputChannels * DepthMultiplier, inputChannels);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["depth_multiplier"] = DepthMultiplier;
        return c;
    }

    public static DepthwiseConv2D FromConfig(JsonObject c)
    {
        var a = ReadCommon(c);
        return LayerConfig.Common(new DepthwiseConv2D(a.Kernel, a.Strides, a.Padding, LayerConfig.Read(c, "depth_multiplier", 1),
            a.Dilation, a.Activation, a.UseBias, a.KernelInit, a.BiasInit, a.Regularizer, LayerConfig.Name(c)), c);
    }
}

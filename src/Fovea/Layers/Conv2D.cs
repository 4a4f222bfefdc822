using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// 2-D convolution (Keras <c>Conv2D</c>): input [N, C, H, W] → [N, filters, OH, OW]; kernel
/// [filters, C/groups, KH, KW]. <c>groups</c> splits channels into independent groups (groups = C with
/// filters = C is a depthwise convolution; see also <see cref="DepthwiseConv2D"/>).
/// </summary>
/// <example><code>new Conv2D(32, 3, padding: Padding.Same, activation: Activations.Relu)</code></example>
[RegisterLayer]
public sealed class Conv2D : BaseConv2D
{
    public Conv2D(int filters, Size2 kernelSize, Size2? strides = null, Padding padding = default,
        Size2? dilationRate = null, int groups = 1, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        string? name = null)
        : base(kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer,
            kernelRegularizer, name)
    {
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Conv2D: filters must be positive, received {filters}");
        if (groups <= 0 || filters % groups != 0)
            throw new ArgumentException($"Conv2D: groups={groups} must be positive and divide filters={filters}");
        Filters = filters;
        Groups = groups;
    }

    public int Filters { get; }

    public int Groups { get; }

    protected override (int Filters, int Groups) Channels(int inputChannels)
    {
        if (inputChannels % Groups != 0)
            throw new FoveaException($"{Describe()}: groups={Groups} does not divide the {inputChannels} input channels");
        return (Filters, Groups);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["groups"] = Groups;
        return c;
    }

    public static Conv2D FromConfig(JsonObject c)
    {
        var a = ReadCommon(c);
        return LayerConfig.Common(new Conv2D(c["filters"]!.GetValue<int>(), a.Kernel, a.Strides, a.Padding, a.Dilation,
            LayerConfig.Read(c, "groups", 1), a.Activation, a.UseBias, a.KernelInit, a.BiasInit, a.Regularizer,
            LayerConfig.Name(c)), c);
    }
}

using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Depthwise-separable 2-D convolution (Keras <c>SeparableConv2D</c>): a depthwise convolution (each input channel
/// with its own <see cref="DepthMultiplier"/> filters; strides, padding and dilation apply here) followed by a 1×1
/// pointwise convolution to <see cref="Filters"/> channels, then the bias and the activation. [N, C, H, W] →
/// [N, filters, OH, OW] with OH as for <see cref="Conv2D"/>. Weights (Keras names): depthwise_kernel [C·m, 1, KH, KW],
/// pointwise_kernel [filters, C·m, 1, 1], bias [filters].
/// </summary>
[RegisterLayer]
public sealed class SeparableConv2D : Layer
{
    public SeparableConv2D(int filters, Size2 kernelSize, Size2? strides = null, Padding padding = default,
        int depthMultiplier = 1, Size2? dilationRate = null, ActivationFunction? activation = null,
        bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null,
        Initializer? biasInitializer = null, string? name = null)
        : base(name)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides ?? 1;
        DilationRate = dilationRate ?? 1;
        if (filters <= 0 || depthMultiplier <= 0 || !KernelSize.IsPositive || !Strides.IsPositive ||
            !DilationRate.IsPositive)
            throw new ArgumentException($"SeparableConv2D: filters {filters}, depthMultiplier {depthMultiplier}, " +
                $"kernelSize {KernelSize}, strides {Strides} and dilationRate {DilationRate} must be positive");
        Padding = padding;
        DepthMultiplier = depthMultiplier;
        Activation = activation;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? Initializers.GlorotUniform;
        PointwiseInitializer = pointwiseInitializer ?? Initializers.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializers.Zeros;
    }

    /// <summary>Output channels of the pointwise convolution.</summary>
    public int Filters { get; }

    /// <summary>(KH, KW) of the depthwise convolution.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Strides of the depthwise convolution; default 1.</summary>
    public Size2 Strides { get; }

    /// <summary>Padding of the depthwise convolution (Valid by default).</summary>
    public Padding Padding { get; }

    /// <summary>Depthwise filters per input channel; default 1.</summary>
    public int DepthMultiplier { get; }

    /// <summary>Dilation of the depthwise convolution; default 1.</summary>
    public Size2 DilationRate { get; }

    /// <summary>Applied to the output; null for none.</summary>
    public ActivationFunction? Activation { get; }

    /// <summary>Whether the layer has a bias (default true).</summary>
    public bool UseBias { get; }

    /// <summary>Default Glorot uniform.</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>Default Glorot uniform.</summary>
    public Initializer PointwiseInitializer { get; }

    /// <summary>Default zeros.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>[C·depthMultiplier, 1, KH, KW].</summary>
    public Parameter DepthwiseKernel { get; private set; } = null!;

    /// <summary>[filters, C·depthMultiplier, 1, 1].</summary>
    public Parameter PointwiseKernel { get; private set; } = null!;

    /// <summary>[filters], or null without bias.</summary>
    public Parameter? Bias { get; private set; }

    private int InputChannels => DepthwiseKernel.Shape[0] / DepthMultiplier;

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4)
            throw ShapeError("[N, C, H, W]", inputShape);
        int middle = inputShape[1] * DepthMultiplier;
        DepthwiseKernel = AddWeight("depthwise_kernel", [middle, 1, KernelSize.Height, KernelSize.Width],
            DepthwiseInitializer);
        PointwiseKernel = AddWeight("pointwise_kernel", [Filters, middle, 1, 1], PointwiseInitializer);
        Bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer) : null;
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 4 || inputShape[1] != InputChannels)
            throw ShapeError($"[N, {InputChannels}, H, W]", inputShape);
        int h = inputShape[2], w = inputShape[3];
        var (top, left, bottom, right) = Padding.Resolve(h, w, KernelSize, Strides, DilationRate);
        int spanH = DilationRate.Height * (KernelSize.Height - 1) + 1;
        int spanW = DilationRate.Width * (KernelSize.Width - 1) + 1;
        if (h + top + bottom < spanH || w + left + right < spanW)
            throw ShapeError($"[N, {InputChannels}, H, W] at least as large as the dilated kernel", inputShape);
        return new Shape(inputShape[0], Filters, (h + top + bottom - spanH) / Strides.Height + 1,
            (w + left + right - spanW) / Strides.Width + 1);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4 || x.Shape[1] != InputChannels)
            throw ShapeError($"[N, {InputChannels}, H, W]", x.Shape);
        Tensor y;
        try
        {
            var depthwise = Functional.Conv2D(x, DepthwiseKernel, null, Strides, Padding, DilationRate, InputChannels);
            y = Functional.Conv2D(depthwise, PointwiseKernel, Bias, 1, Padding.Valid, 1, 1);
        }
        catch (ArgumentException e)
        {
            throw new FoveaException($"{Describe()}: {e.Message} (input {x.Shape})", e);
        }
        return Activation is null ? y : Activation.Apply(y);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["filters"] = Filters;
        c["kernel_size"] = LayerConfig.Pair(KernelSize);
        c["strides"] = LayerConfig.Pair(Strides);
        c["padding"] = Padding.ToConfig();
        c["depth_multiplier"] = DepthMultiplier;
        c["dilation_rate"] = LayerConfig.Pair(DilationRate);
        LayerConfig.WriteActivation(c, Activation);
        c["use_bias"] = UseBias;
        c["depthwise_initializer"] = DepthwiseInitializer.GetConfig();
        c["pointwise_initializer"] = PointwiseInitializer.GetConfig();
        c["bias_initializer"] = BiasInitializer.GetConfig();
        return c;
    }

    public static SeparableConv2D FromConfig(JsonObject c) => LayerConfig.Common(new SeparableConv2D(
        c["filters"]!.GetValue<int>(), LayerConfig.ReadPair(c["kernel_size"], 1), LayerConfig.ReadPair(c["strides"], 1),
        Padding.FromConfig(c["padding"]), LayerConfig.Read(c, "depth_multiplier", 1),
        LayerConfig.ReadPair(c["dilation_rate"], 1), LayerConfig.ReadActivation(c), LayerConfig.Read(c, "use_bias", true),
        Initializers.FromConfig(c["depthwise_initializer"]), Initializers.FromConfig(c["pointwise_initializer"]),
        Initializers.FromConfig(c["bias_initializer"]), LayerConfig.Name(c)), c);
}

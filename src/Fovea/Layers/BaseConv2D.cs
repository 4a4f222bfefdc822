using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// What Conv2D and DepthwiseConv2D share (Keras <c>BaseConv</c>): geometry arguments, the kernel
/// [filters, inChannels/groups, KH, KW] and bias [filters], the optional fused activation, and input checks.
/// Output size per axis: Valid → floor((H − dilation·(k − 1) − 1)/stride) + 1; Same → ceil(H/stride).
/// </summary>
public abstract class BaseConv2D : Layer
{
    protected BaseConv2D(Size2 kernelSize, Size2? strides, Padding padding, Size2? dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, string? name)
        : base(name)
    {
        KernelSize = kernelSize;
        Strides = strides ?? 1;
        Padding = padding;
        DilationRate = dilationRate ?? 1;
        if (!KernelSize.IsPositive || !Strides.IsPositive || !DilationRate.IsPositive)
            throw new ArgumentException(
                $"{GetType().Name}: kernelSize {KernelSize}, strides {Strides} and dilationRate {DilationRate} must be positive");
        Activation = activation;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? Initializers.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializers.Zeros;
        KernelRegularizer = kernelRegularizer;
    }

    public Size2 KernelSize { get; }
    public Size2 Strides { get; }
    public Padding Padding { get; }
    public Size2 DilationRate { get; }
    public ActivationFunction? Activation { get; }
    public bool UseBias { get; }
    public Initializer KernelInitializer { get; }
    public Initializer BiasInitializer { get; }
    public Regularizer? KernelRegularizer { get; }

    /// <summary>[filters, inChannels/groups, KH, KW].</summary>
    public Parameter Kernel { get; private set; } = null!;

    /// <summary>[filters], or null without bias.</summary>
    public Parameter? Bias { get; private set; }

    /// <summary>Input channels this layer was built for.</summary>
    protected int InputChannels { get; private set; }

    /// <summary>The channel groups of the convolution (after <see cref="Layer.Build"/>).</summary>
    internal int GroupCount => Channels(InputChannels).Groups;

    /// <summary>The Winograd-transformed kernel for inference passes (built on first use, rebuilt when the kernel
    /// changes).</summary>
    internal WinogradWeightCache WinogradCache { get; } = new();

    /// <summary>Whether <paramref name="x"/> has the shape this layer was built for.</summary>
    internal bool Accepts(Tensor x) => x.Rank == 4 && x.Shape[1] == InputChannels;

    /// <summary>(output channels, groups) for an input with <paramref name="inputChannels"/> channels.</summary>
    protected abstract (int Filters, int Groups) Channels(int inputChannels);

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4)
            throw ShapeError("[N, C, H, W]", inputShape);
        InputChannels = inputShape[1];
        var (filters, groups) = Channels(InputChannels);
        Kernel = AddWeight("kernel", [filters, InputChannels / groups, KernelSize.Height, KernelSize.Width],
            KernelInitializer, regularizer: KernelRegularizer);
        Bias = UseBias ? AddWeight("bias", [filters], BiasInitializer) : null;
    }

    /// <summary>[N, filters, OH, OW] with OH = floor((H + pads − dilation·(k − 1) − 1)/stride) + 1.</summary>
    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 4 || inputShape[1] != InputChannels)
            throw ShapeError($"[N, {InputChannels}, H, W]", inputShape);
        int h = inputShape[2], w = inputShape[3];
        var (top, left, bottom, right) = Padding.Resolve(h, w, KernelSize, Strides, DilationRate);
        int oh = (h + top + bottom - DilationRate.Height * (KernelSize.Height - 1) - 1) / Strides.Height + 1;
        int ow = (w + left + right - DilationRate.Width * (KernelSize.Width - 1) - 1) / Strides.Width + 1;
        if (h + top + bottom <= DilationRate.Height * (KernelSize.Height - 1) ||
            w + left + right <= DilationRate.Width * (KernelSize.Width - 1))
            throw ShapeError($"[N, {InputChannels}, H, W] at least as large as the dilated kernel", inputShape);
        return new Shape(inputShape[0], Kernel.Shape[0], oh, ow);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4 || x.Shape[1] != InputChannels)
            throw ShapeError($"[N, {InputChannels}, H, W]", x.Shape);
        var (_, groups) = Channels(InputChannels);
        Tensor y;
        try
        {
            y = Functional.Conv2D(x, Kernel, Bias, Strides, Padding, DilationRate, groups);
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
        c["kernel_size"] = LayerConfig.Pair(KernelSize);
        c["strides"] = LayerConfig.Pair(Strides);
        c["padding"] = Padding.ToConfig();
        c["dilation_rate"] = LayerConfig.Pair(DilationRate);
        LayerConfig.WriteActivation(c, Activation);
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KernelInitializer.GetConfig();
        c["bias_initializer"] = BiasInitializer.GetConfig();
        if (KernelRegularizer is not null)
            c["kernel_regularizer"] = KernelRegularizer.GetConfig();
        return c;
    }

    /// <summary>Reads the arguments every convolution has (for derived FromConfig methods).</summary>
    protected static (Size2 Kernel, Size2 Strides, Padding Padding, Size2 Dilation, ActivationFunction? Activation,
        bool UseBias, Initializer KernelInit, Initializer BiasInit, Regularizer? Regularizer) ReadCommon(JsonObject c) =>
        (LayerConfig.ReadPair(c["kernel_size"], 1), LayerConfig.ReadPair(c["strides"], 1),
         Padding.FromConfig(c["padding"]), LayerConfig.ReadPair(c["dilation_rate"], 1),
         LayerConfig.ReadActivation(c), LayerConfig.Read(c, "use_bias", true), Initializers.FromConfig(c["kernel_initializer"]),
         Initializers.FromConfig(c["bias_initializer"]), Regularizers.FromConfig(c["kernel_regularizer"]));
}

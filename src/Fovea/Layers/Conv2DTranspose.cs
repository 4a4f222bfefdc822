using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Transposed 2-D convolution (Keras <c>Conv2DTranspose</c>, the gradient of a convolution with respect to its
/// input): [N, C, H, W] → [N, filters, OH, OW], kernel [C, filters, KH, KW] as PyTorch's <c>ConvTranspose2d</c>
/// stores it (so its weights map one to one), bias [filters]. Output size per axis, with kd = d·(k − 1) + 1
/// (Keras's rule): Valid → H·s + max(kd − s, 0); Same → H·s; with <see cref="OutputPadding"/> p:
/// Valid → (H − 1)·s + kd + p, Same → (H − 1)·s + kd − 2·⌊kd/2⌋ + p. The full transposed convolution,
/// (H − 1)·s + kd long, is cropped as TensorFlow does: max((H − 1)·s + kd − OH, 0) positions, the smaller half at
/// the start, and extended with zeros (plus bias) when OH is longer. Explicit padding follows PyTorch instead (see
/// <see cref="Padding"/>).
/// </summary>
[RegisterLayer]
public sealed class Conv2DTranspose : Layer
{
    public Conv2DTranspose(int filters, Size2 kernelSize, Size2? strides = null, Padding padding = default,
        Size2? outputPadding = null, Size2? dilationRate = null, ActivationFunction? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, string? name = null)
        : base(name)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides ?? 1;
        DilationRate = dilationRate ?? 1;
        if (filters <= 0 || !KernelSize.IsPositive || !Strides.IsPositive || !DilationRate.IsPositive)
            throw new ArgumentException($"Conv2DTranspose: filters {filters}, kernelSize {KernelSize}, strides " +
                $"{Strides} and dilationRate {DilationRate} must be positive");
        if (outputPadding is { } p && (p.Height < 0 || p.Width < 0 || p.Height >= Strides.Height ||
            p.Width >= Strides.Width))
            throw new ArgumentException($"Conv2DTranspose: outputPadding {p} must be in [0, strides {Strides})");
        Padding = padding;
        OutputPadding = outputPadding;
        Activation = activation;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? Initializers.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializers.Zeros;
        KernelRegularizer = kernelRegularizer;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>(KH, KW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>The upsampling factors (height, width); default 1.</summary>
    public Size2 Strides { get; }

    /// <summary><see cref="Padding.Valid"/> or <see cref="Padding.Same"/> (Keras), or
    /// <see cref="Padding.Explicit(int)"/> amounts that crop the full output as PyTorch's
    /// <c>ConvTranspose2d(padding=...)</c> does (then OH = (H − 1)·s + kd − top − bottom + outputPadding), so
    /// torchvision's layers map exactly.</summary>
    public Padding Padding { get; }

    /// <summary>Extra rows and columns at the end of the output (Keras and PyTorch <c>output_padding</c>, below the
    /// strides); null: Keras's sizes above (0 with explicit padding).</summary>
    public Size2? OutputPadding { get; }

    /// <summary>Spacing of the kernel taps; default 1.</summary>
    public Size2 DilationRate { get; }

    /// <summary>Applied to the output; null for none.</summary>
    public ActivationFunction? Activation { get; }

    /// <summary>Whether the layer has a bias (default true).</summary>
    public bool UseBias { get; }

    /// <summary>Default Glorot uniform.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Default zeros.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the kernel added to the training loss; null for none.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>[inChannels, filters, KH, KW] (PyTorch's ConvTranspose2d layout).</summary>
    public Parameter Kernel { get; private set; } = null!;

    /// <summary>[filters], or null without bias.</summary>
    public Parameter? Bias { get; private set; }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4)
            throw ShapeError("[N, C, H, W]", inputShape);
        Kernel = AddWeight("kernel", [inputShape[1], Filters, KernelSize.Height, KernelSize.Width],
            KernelInitializer, regularizer: KernelRegularizer);
        Bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer) : null;
    }

    /// <summary>
    /// The ConvTranspose arguments for an H×W input: the cropping before and after (PyTorch/ONNX pads), the
    /// output padding that extends the end, and the output size, per axis (height, width).
    /// </summary>
    internal (int[] Before, int[] After, int[] Extra, int[] Output) Geometry(int h, int w)
    {
        var (before, after, extra, output) = (new int[2], new int[2], new int[2], new int[2]);
        int[] size = [h, w];
        int[] k = [KernelSize.Height, KernelSize.Width];
        int[] s = [Strides.Height, Strides.Width];
        int[] d = [DilationRate.Height, DilationRate.Width];
        int[]? p = OutputPadding is { } q ? [q.Height, q.Width] : null;
        bool same = Padding.Kind == PaddingKind.Same;
        int[] cropBefore = [Padding.Top, Padding.Left], cropAfter = [Padding.Bottom, Padding.Right];
        for (int a = 0; a < 2; a++)
        {
            int kd = d[a] * (k[a] - 1) + 1;
            int full = (size[a] - 1) * s[a] + kd;
            if (Padding.Kind == PaddingKind.Explicit)
            {
                (before[a], after[a], extra[a]) = (cropBefore[a], cropAfter[a], p?[a] ?? 0);
                output[a] = full - before[a] - after[a] + extra[a];
                continue;
            }
            output[a] = p is null
                ? same ? size[a] * s[a] : size[a] * s[a] + Math.Max(kd - s[a], 0)
                : same ? full - 2 * (kd / 2) + p[a] : full + p[a];
            int crop = Math.Max(full - output[a], 0);
            before[a] = crop / 2;
            after[a] = crop - crop / 2;
            extra[a] = output[a] - (full - crop);
        }
        return (before, after, extra, output);
    }

    private void Check(Shape shape)
    {
        if (shape.Rank != 4 || shape[1] != Kernel.Shape[0])
            throw ShapeError($"[N, {Kernel.Shape[0]}, H, W]", shape);
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        Check(inputShape);
        var (_, _, _, output) = Geometry(inputShape[2], inputShape[3]);
        if (output[0] <= 0 || output[1] <= 0)
            throw ShapeError($"[N, {Kernel.Shape[0]}, H, W] giving a non-empty output", inputShape);
        return new Shape(inputShape[0], Filters, output[0], output[1]);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        Check(x.Shape);
        var (before, after, extra, _) = Geometry(x.Shape[2], x.Shape[3]);
        Tensor y;
        try
        {
            y = Functional.ConvTranspose(x, Kernel, Bias, [Strides.Height, Strides.Width], before, after,
                [DilationRate.Height, DilationRate.Width], 1, extra);
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
        c["output_padding"] = OutputPadding is { } p ? LayerConfig.Pair(p) : null;
        c["dilation_rate"] = LayerConfig.Pair(DilationRate);
        LayerConfig.WriteActivation(c, Activation);
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KernelInitializer.GetConfig();
        c["bias_initializer"] = BiasInitializer.GetConfig();
        if (KernelRegularizer is not null)
            c["kernel_regularizer"] = KernelRegularizer.GetConfig();
        return c;
    }

    public static Conv2DTranspose FromConfig(JsonObject c) => LayerConfig.Common(new Conv2DTranspose(
        c["filters"]!.GetValue<int>(), LayerConfig.ReadPair(c["kernel_size"], 1), LayerConfig.ReadPair(c["strides"], 1),
        Padding.FromConfig(c["padding"]), c["output_padding"] is { } p ? LayerConfig.ReadPair(p, 0) : null,
        LayerConfig.ReadPair(c["dilation_rate"], 1), LayerConfig.ReadActivation(c), LayerConfig.Read(c, "use_bias", true),
        Initializers.FromConfig(c["kernel_initializer"]), Initializers.FromConfig(c["bias_initializer"]),
        Regularizers.FromConfig(c["kernel_regularizer"]), LayerConfig.Name(c)), c);
}

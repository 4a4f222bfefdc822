using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// What <see cref="Conv1D"/> and <see cref="Conv3D"/> share (Keras <c>BaseConv</c> for ranks 1 and 3): per-axis
/// kernel size, strides and dilations, padding, groups, the kernel [filters, C/groups, ...kernel] and bias [filters],
/// the optional fused activation and input checks. Input [N, C, ...spatial] → [N, filters, ...out], per axis
/// out = floor((in + before + after − dilation·(k − 1) − 1)/stride) + 1; Same gives ceil(in/stride) (extra padding
/// after, TensorFlow's rule), Causal (1-D) pads dilation·(k − 1) before only. Runs on <see cref="Functional.Conv"/>.
/// </summary>
public abstract class BaseConvNd : Layer
{
    private protected BaseConvNd(int filters, int[] kernelSize, int[] strides, Padding padding, int[] dilationRate,
        int groups, ActivationFunction? activation, bool useBias, Initializer? kernelInitializer,
        Initializer? biasInitializer, Regularizer? kernelRegularizer, string? name)
        : base(name)
    {
        string type = GetType().Name;
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"{type}: filters must be positive, got {filters}");
        if (groups <= 0 || filters % groups != 0)
            throw new ArgumentException($"{type}: groups={groups} must be positive and divide filters={filters}");
        if (kernelSize.Any(v => v <= 0) || strides.Any(v => v <= 0) || dilationRate.Any(v => v <= 0))
            throw new ArgumentException($"{type}: kernelSize [{string.Join(", ", kernelSize)}], strides " +
                $"[{string.Join(", ", strides)}] and dilationRate [{string.Join(", ", dilationRate)}] must be " +
                "positive");
        if (padding.Kind == PaddingKind.Causal && kernelSize.Length != 1)
            throw new ArgumentException($"{type}: causal padding applies to Conv1D only");
        Filters = filters;
        KernelSizes = kernelSize;
        StrideSizes = strides;
        Padding = padding;
        DilationRates = dilationRate;
        Groups = groups;
        Activation = activation;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? Initializers.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializers.Zeros;
        KernelRegularizer = kernelRegularizer;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Channel groups (1: a full convolution; C with filters = k·C: depthwise).</summary>
    public int Groups { get; }

    /// <summary>Valid (default), Same, Causal (Conv1D) or explicit amounts.</summary>
    public Padding Padding { get; }

    /// <summary>The activation applied after the convolution, or null (linear).</summary>
    public ActivationFunction? Activation { get; }

    /// <summary>Whether the layer adds a bias [filters].</summary>
    public bool UseBias { get; }

    /// <summary>Fills the kernel at build time (default Glorot uniform, as in Keras).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Fills the bias at build time (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the kernel added to the training loss, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>Window size per spatial axis.</summary>
    public IReadOnlyList<int> KernelSizes { get; }

    /// <summary>Stride per spatial axis.</summary>
    public IReadOnlyList<int> StrideSizes { get; }

    /// <summary>Dilation per spatial axis.</summary>
    public IReadOnlyList<int> DilationRates { get; }

    /// <summary>[filters, inChannels/groups, ...kernel].</summary>
    public Parameter Kernel { get; private set; } = null!;

    /// <summary>[filters], or null without bias.</summary>
    public Parameter? Bias { get; private set; }

    /// <summary>Number of spatial axes (1 or 3).</summary>
    internal int SpatialRank => KernelSizes.Count;

    private string Expected(string channels) => SpatialRank == 1 ? $"[N, {channels}, L]" : $"[N, {channels}, D, H, W]";

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != SpatialRank + 2)
            throw ShapeError(Expected("C"), inputShape);
        int c = inputShape[1];
        if (c % Groups != 0)
            throw new FoveaException($"{Describe()}: groups={Groups} does not divide the {c} input channels " +
                $"(input {inputShape})");
        Kernel = AddWeight("kernel", [Filters, c / Groups, .. KernelSizes], KernelInitializer,
            regularizer: KernelRegularizer);
        Bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer) : null;
    }

    /// <summary>The padding amounts (before, after) per spatial axis for an input of these spatial sizes.</summary>
    internal (int[] Before, int[] After) Pads(int[] spatial) =>
        Padding.ResolveAxes(spatial, [.. KernelSizes], [.. StrideSizes], [.. DilationRates]);

    /// <summary>The output's spatial sizes, or null when the dilated kernel does not fit.</summary>
    internal int[]? OutputSpatial(int[] spatial)
    {
        var (before, after) = Pads(spatial);
        var o = new int[spatial.Length];
        for (int a = 0; a < o.Length; a++)
        {
            int span = spatial[a] + before[a] + after[a] - DilationRates[a] * (KernelSizes[a] - 1) - 1;
            if (span < 0)
                return null;
            o[a] = span / StrideSizes[a] + 1;
        }
        return o;
    }

    private void CheckInput(Shape shape)
    {
        int c = Kernel.Shape[1] * Groups;
        if (shape.Rank != SpatialRank + 2 || shape[1] != c)
            throw ShapeError(Expected(c.ToString(System.Globalization.CultureInfo.InvariantCulture)), shape);
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        CheckInput(inputShape);
        var o = OutputSpatial(inputShape.Dims[2..]) ?? throw ShapeError(
            $"{Expected("C")} at least as large as the dilated kernel", inputShape);
        return new Shape([inputShape[0], Filters, .. o]);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        CheckInput(x.Shape);
        Tensor y;
        try
        {
            var (before, after) = Pads(x.Shape.Dims[2..]);
            y = Functional.Conv(x, Kernel, Bias, [.. StrideSizes], before, after, [.. DilationRates], Groups);
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
        c["kernel_size"] = Ints(KernelSizes);
        c["strides"] = Ints(StrideSizes);
        c["padding"] = Padding.ToConfig();
        c["dilation_rate"] = Ints(DilationRates);
        c["groups"] = Groups;
        LayerConfig.WriteActivation(c, Activation);
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KernelInitializer.GetConfig();
        c["bias_initializer"] = BiasInitializer.GetConfig();
        if (KernelRegularizer is not null)
            c["kernel_regularizer"] = KernelRegularizer.GetConfig();
        return c;
    }

    private static JsonArray Ints(IReadOnlyList<int> v) => new([.. v.Select(i => (JsonNode)i)]);

    /// <summary>Reads an int list written by <see cref="GetConfig"/> (or one int for every axis).</summary>
    private protected static int[] ReadInts(JsonNode? node, int rank, int fallback) => node switch
    {
        null => Enumerable.Repeat(fallback, rank).ToArray(),
        JsonArray a => [.. a.Select(v => v!.GetValue<int>())],
        _ => Enumerable.Repeat(node.GetValue<int>(), rank).ToArray(),
    };

    /// <summary>Reads the arguments every convolution has (for derived FromConfig methods).</summary>
    private protected static (int Filters, Padding Padding, int Groups, ActivationFunction? Activation, bool UseBias,
        Initializer KernelInit, Initializer BiasInit, Regularizer? Regularizer) ReadCommon(JsonObject c) =>
        (c["filters"]!.GetValue<int>(), Padding.FromConfig(c["padding"]), LayerConfig.Read(c, "groups", 1),
            LayerConfig.ReadActivation(c), LayerConfig.Read(c, "use_bias", true),
            Initializers.FromConfig(c["kernel_initializer"]), Initializers.FromConfig(c["bias_initializer"]),
            Regularizers.FromConfig(c["kernel_regularizer"]));
}

using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Squeeze-and-excitation (Hu et al. 2018) with torchvision's semantics (<c>torchvision.ops.SqueezeExcitation</c>):
/// <code>
/// s = mean over H, W of x                 [N, C, 1, 1]   (squeeze)
/// s = scaleActivation(fc2(activation(fc1(s))))          (excitation; fc1: 1×1 conv C → squeezeChannels, fc2: back
///                                                        to C, both with bias)
/// y = x ⊙ s                               [N, C, H, W]   (scale, broadcast over H, W)
/// </code>
/// Defaults: ReLU and Sigmoid (EfficientNet and MobileNetV3 pass SiLU and HardSigmoid). The sub-layers are named
/// <c>fc1</c> and <c>fc2</c>, so the weights are <c>fc1.kernel</c> [squeezeChannels, C, 1, 1], <c>fc1.bias</c>,
/// <c>fc2.kernel</c> [C, squeezeChannels, 1, 1] and <c>fc2.bias</c>: torchvision's <c>fc1.weight</c> ... one to one.
/// Shape: [N, C, H, W] → [N, C, H, W].
/// </summary>
/// <example><code>
/// new SqueezeExcitation(inputChannels: null, squeezeChannels: 8)   // C taken from the input
/// </code></example>
[RegisterLayer]
public sealed class SqueezeExcitation : Layer
{
    private Conv2D _fc1 = null!;
    private Conv2D _fc2 = null!;

    /// <param name="inputChannels">C, or null to take it from the first input (then checked on every call).</param>
    /// <param name="squeezeChannels">Width of the bottleneck.</param>
    /// <param name="activation">After fc1; ReLU when null.</param>
    /// <param name="scaleActivation">After fc2; Sigmoid when null.</param>
    /// <param name="name">Layer name.</param>
    public SqueezeExcitation(int? inputChannels, int squeezeChannels, ActivationFunction? activation = null,
        ActivationFunction? scaleActivation = null, string? name = null)
        : base(name)
    {
        if (inputChannels is <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputChannels),
                $"SqueezeExcitation: inputChannels must be positive, received {inputChannels}");
        if (squeezeChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(squeezeChannels),
                $"SqueezeExcitation: squeezeChannels must be positive, received {squeezeChannels}");
        InputChannels = inputChannels;
        SqueezeChannels = squeezeChannels;
        Activation = activation ?? Activations.Relu;
        ScaleActivation = scaleActivation ?? Activations.Sigmoid;
    }

    /// <summary>C as given to the constructor (null: taken from the input).</summary>
    public int? InputChannels { get; }

    /// <summary>Width of the bottleneck between fc1 and fc2.</summary>
    public int SqueezeChannels { get; }

    /// <summary>The activation after fc1 (default ReLU).</summary>
    public ActivationFunction Activation { get; }

    /// <summary>The gate's activation after fc2 (default Sigmoid).</summary>
    public ActivationFunction ScaleActivation { get; }

    /// <summary>The 1×1 convolution C → squeezeChannels.</summary>
    public Conv2D Fc1 => _fc1;

    /// <summary>The 1×1 convolution squeezeChannels → C.</summary>
    public Conv2D Fc2 => _fc2;

    // No ComputeOutputShape: a symbolic call runs Forward once, which builds the sub-layers (their weights exist
    // only after their first call).
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4 || (InputChannels is { } c && inputShape[1] != c))
            throw ShapeError(InputChannels is { } expected ? $"[N, {expected}, H, W]" : "[N, C, H, W]", inputShape);
        _fc1 = new Conv2D(SqueezeChannels, 1, name: "fc1");
        _fc2 = new Conv2D(inputShape[1], 1, name: "fc2");
    }

    private void CheckInput(Shape shape)
    {
        int c = _fc2.Filters;
        if (shape.Rank != 4 || shape[1] != c)
            throw ShapeError($"[N, {c}, H, W]", shape);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        CheckInput(x.Shape);
        var s = Functional.Mean(x, [2, 3], keepDims: true);
        s = ScaleActivation.Apply(_fc2.Call(Activation.Apply(_fc1.Call(s))));
        return Functional.Multiply(x, s);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["input_channels"] = InputChannels;
        c["squeeze_channels"] = SqueezeChannels;
        c["activation"] = Activation.Name;
        c["scale_activation"] = ScaleActivation.Name;
        return c;
    }

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static SqueezeExcitation FromConfig(JsonObject c) =>
        LayerConfig.Common(new SqueezeExcitation(c["input_channels"]?.GetValue<int>(),
            c["squeeze_channels"]!.GetValue<int>(), Activations.FromName(LayerConfig.Read(c, "activation", "relu")),
            Activations.FromName(LayerConfig.Read(c, "scale_activation", "sigmoid")), LayerConfig.Name(c)), c);
}

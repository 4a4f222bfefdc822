using Fovea.Layers;
using static Fovea.Models.Zoo.TorchvisionBlocks;

namespace Fovea.Models.Zoo;

/// <summary>
/// MobileNetV3-Large and -Small (Howard et al. 2019) with torchvision's exact structure and module names
/// (<c>features.0</c> stem, <c>features.1..n</c> inverted residual blocks with <c>block.k</c> inside,
/// <c>features.n+1</c> last 1×1 convolution, <c>classifier.0</c>/<c>classifier.3</c>): hard-swish or ReLU per block,
/// squeeze-and-excitation with a hard-sigmoid gate (squeeze to ⌈expanded/4⌉ rounded to 8), BatchNorm ε = 1e−3 and
/// PyTorch momentum 0.01, dropout 0.2 before the last linear layer. Outputs logits; <c>includeTop: false</c> stops
/// after the global average pooling (960 or 576 features).
/// </summary>
public static class MobileNetV3
{
    /// <summary>One inverted residual block: input, kernel, expanded and output channels, SE, hard-swish, stride.
    /// </summary>
    private readonly record struct Block(int In, int Kernel, int Expanded, int Out, bool Se, bool HardSwish, int Stride);

    private static readonly Block[] s_large =
    [
        new(16, 3, 16, 16, false, false, 1), new(16, 3, 64, 24, false, false, 2), new(24, 3, 72, 24, false, false, 1),
        new(24, 5, 72, 40, true, false, 2), new(40, 5, 120, 40, true, false, 1), new(40, 5, 120, 40, true, false, 1),
        new(40, 3, 240, 80, false, true, 2), new(80, 3, 200, 80, false, true, 1), new(80, 3, 184, 80, false, true, 1),
        new(80, 3, 184, 80, false, true, 1), new(80, 3, 480, 112, true, true, 1), new(112, 3, 672, 112, true, true, 1),
        new(112, 5, 672, 160, true, true, 2), new(160, 5, 960, 160, true, true, 1), new(160, 5, 960, 160, true, true, 1),
    ];

    private static readonly Block[] s_small =
    [
        new(16, 3, 16, 16, true, false, 2), new(16, 3, 72, 24, false, false, 2), new(24, 3, 88, 24, false, false, 1),
        new(24, 5, 96, 40, true, true, 2), new(40, 5, 240, 40, true, true, 1), new(40, 5, 240, 40, true, true, 1),
        new(40, 5, 120, 48, true, true, 1), new(48, 5, 144, 48, true, true, 1), new(48, 5, 288, 96, true, true, 2),
        new(96, 5, 576, 96, true, true, 1), new(96, 5, 576, 96, true, true, 1),
    ];

    private static readonly Norm s_norm = new(1e-3f, 0.01f);

    /// <summary>torchvision's <c>mobilenet_v3_large()</c>: 5,483,032 parameters with 1000 classes.
    /// <paramref name="dilated"/>: torchvision's <c>dilated=True</c> (the segmentation backbones): the last three
    /// blocks keep stride 1 and dilate their depthwise convolutions by 2 (output stride 16).</summary>
    public static Model Large(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool dilated = false) =>
        Create("mobilenet_v3_large", s_large, 1280, classes, includeTop, inputShape, seed, dilated);

    /// <summary>torchvision's <c>mobilenet_v3_small()</c>: 2,542,856 parameters with 1000 classes;
    /// <paramref name="dilated"/> as for <see cref="Large"/>.</summary>
    public static Model Small(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool dilated = false) =>
        Create("mobilenet_v3_small", s_small, 1024, classes, includeTop, inputShape, seed, dilated);

    private static Model Create(string name, Block[] blocks, int lastChannel, int classes, bool includeTop,
        int[]? inputShape, int seed, bool dilated)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = ConvNormActivation(inputs, blocks[0].In, 3, 2, 1, Activations.HardSwish, s_norm, "features.0");
        for (int i = 0; i < blocks.Length; i++)
            x = InvertedResidual(x, blocks[i], $"features.{i + 1}", dilated && i >= blocks.Length - 3 ? 2 : 1);
        int lastConv = 6 * blocks[^1].Out;
        x = ConvNormActivation(x, lastConv, 1, 1, 1, Activations.HardSwish, s_norm, $"features.{blocks.Length + 1}");
        x = new GlobalAveragePooling2D(name: "avgpool").Call(x);
        if (includeTop)
        {
            x = new Dense(lastChannel, name: "classifier.0").Call(x);
            x = new Activation(Activations.HardSwish, name: "classifier.1").Call(x);
            x = new Dropout(0.2, name: "classifier.2").Call(x);
            x = new Dense(classes, name: "classifier.3").Call(x);
        }
        return new Model(inputs, x, name, seed);
    }

    private static SymbolicTensor InvertedResidual(SymbolicTensor x, Block b, string prefix, int dilation)
    {
        var activation = b.HardSwish ? Activations.HardSwish : Activations.Relu;
        int k = 0;
        var y = x;
        if (b.Expanded != b.In)
            y = ConvNormActivation(y, b.Expanded, 1, 1, 1, activation, s_norm, $"{prefix}.block.{k++}");
        // torchvision: a dilated block's depthwise convolution has stride 1 (the residual rule keeps the configured
        // stride).
        y = ConvNormActivation(y, b.Expanded, b.Kernel, dilation > 1 ? 1 : b.Stride, b.Expanded, activation, s_norm,
            $"{prefix}.block.{k++}", dilation);
        if (b.Se)
        {
            y = SqueezeExcitation(y, b.Expanded, MakeDivisible(b.Expanded / 4), Activations.Relu,
                Activations.HardSigmoid, $"{prefix}.block.{k++}");
        }
        y = ConvNormActivation(y, b.Out, 1, 1, 1, null, s_norm, $"{prefix}.block.{k}");
        return b.Stride == 1 && b.In == b.Out ? new Add(name: prefix + ".add").Call([y, x]) : y;
    }
}

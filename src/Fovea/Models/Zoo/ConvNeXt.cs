using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// ConvNeXt-Tiny/Small/Base (Liu et al. 2022) with torchvision's exact structure and module names: a 4×4/4 patchify
/// stem with a channel LayerNorm (<c>features.0</c>), four stages of CNBlocks (<c>features.1, 3, 5, 7</c>; each
/// block: 7×7 depthwise convolution, LayerNorm over channels-last, Linear to 4×, GELU, Linear back, layer scale
/// (<c>layer_scale</c>, [C, 1, 1], initially 1e−6), stochastic depth, residual), downsampling between stages by a
/// channel LayerNorm and a 2×2/2 convolution (<c>features.2, 4, 6</c>), global average pooling, then
/// <c>classifier.0</c> LayerNorm and <c>classifier.2</c> Linear. LayerNorm ε = 1e−6 everywhere; stochastic depth
/// grows linearly over the blocks to 0.1 (Tiny), 0.4 (Small), 0.5 (Base). Outputs logits; <c>includeTop: false</c>
/// stops after the pooling (768 or 1024 features).
/// </summary>
public static class ConvNeXt
{
    /// <summary>torchvision's <c>convnext_tiny()</c>: 28,589,128 parameters with 1000 classes.</summary>
    public static Model Tiny(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("convnext_tiny", [96, 192, 384, 768], [3, 3, 9, 3], 0.1, classes, includeTop, inputShape, seed);

    /// <summary>torchvision's <c>convnext_small()</c>: 50,223,688 parameters with 1000 classes.</summary>
    public static Model Small(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("convnext_small", [96, 192, 384, 768], [3, 3, 27, 3], 0.4, classes, includeTop, inputShape, seed);

    /// <summary>torchvision's <c>convnext_base()</c>: 88,591,464 parameters with 1000 classes.</summary>
    public static Model Base(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("convnext_base", [128, 256, 512, 1024], [3, 3, 27, 3], 0.5, classes, includeTop, inputShape, seed);

    private const float Epsilon = 1e-6f;

    private static Model Create(string name, int[] widths, int[] depths, double stochasticDepth, int classes,
        bool includeTop, int[]? inputShape, int seed)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = new Conv2D(widths[0], 4, 4, name: "features.0.0").Call(inputs);
        x = ChannelNorm("features.0.1").Call(x);
        int total = depths.Sum(), id = 0, feature = 1;
        for (int stage = 0; stage < widths.Length; stage++)
        {
            for (int b = 0; b < depths[stage]; b++)
                x = Block(x, widths[stage], stochasticDepth * id++ / (total - 1.0), $"features.{feature}.{b}");
            feature++;
            if (stage + 1 < widths.Length)
            {
                x = ChannelNorm($"features.{feature}.0").Call(x);
                x = new Conv2D(widths[stage + 1], 2, 2, name: $"features.{feature}.1").Call(x);
                feature++;
            }
        }
        x = new GlobalAveragePooling2D(name: "avgpool").Call(x);
        if (includeTop)
        {
            x = new Reshape([widths[^1], 1, 1], name: "classifier.reshape").Call(x);
            x = ChannelNorm("classifier.0").Call(x);
            x = new Flatten(name: "classifier.1").Call(x);
            x = new Dense(classes, name: "classifier.2").Call(x);
        }
        return new Model(inputs, x, name, seed);
    }

    /// <summary>torchvision's LayerNorm2d: LayerNorm over the channel axis of NCHW.</summary>
    private static LayerNormalization ChannelNorm(string name) => new(axis: 1, epsilon: Epsilon, name: name);

    private static SymbolicTensor Block(SymbolicTensor x, int dim, double dropRate, string prefix)
    {
        var y = new Conv2D(dim, 7, padding: Padding.Explicit(3), groups: dim, name: prefix + ".block.0").Call(x);
        y = new Permute([2, 3, 1], name: prefix + ".block.1").Call(y);
        y = new LayerNormalization(axis: -1, epsilon: Epsilon, name: prefix + ".block.2").Call(y);
        y = new Dense(4 * dim, name: prefix + ".block.3").Call(y);
        y = new Activation(Activations.Gelu(), name: prefix + ".block.4").Call(y);
        y = new Dense(dim, name: prefix + ".block.5").Call(y);
        y = new Permute([3, 1, 2], name: prefix + ".block.6").Call(y);
        y = new LayerScale(1e-6, name: prefix).Call(y);
        y = new DropPath(dropRate, name: prefix + ".stochastic_depth").Call(y);
        return new Add(name: prefix + ".add").Call([y, x]);
    }
}

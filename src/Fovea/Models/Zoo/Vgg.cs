using Fovea.Layers;
using static Fovea.Models.Zoo.TorchModules;

namespace Fovea.Models.Zoo;

/// <summary>
/// VGG-11/13/16/19, with and without BatchNorm, as torchvision builds them (<c>vgg11</c> … <c>vgg19_bn</c>): 3×3
/// convolutions with padding 1 (+ BatchNorm ε = 1e−5) + ReLU and 2×2 max pooling, numbered in one sequence
/// "features.0", "features.1", … as torchvision's <c>nn.Sequential</c> numbers them; "avgpool" (adaptive average
/// pooling to 7×7); "classifier.0" … "classifier.6" (25088 → 4096 → 4096 → classes, dropout 0.5). Outputs logits;
/// <c>includeTop: false</c> stops after the pooling ([512, 7, 7]). Input [3, H, W] with H, W ≥ 32.
/// </summary>
public static class Vgg
{
    private const int M = 0; // max pooling in a configuration

    private static readonly int[] s_vgg11 = [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M];
    private static readonly int[] s_vgg13 = [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M];
    private static readonly int[] s_vgg16 = [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M];
    private static readonly int[] s_vgg19 =
        [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M];

    /// <summary>VGG-11 (torchvision <c>vgg11</c>; <c>vgg11_bn</c> with <paramref name="batchNorm"/>).</summary>
    public static Model Vgg11(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool batchNorm = false) => Create(s_vgg11, "vgg11", batchNorm, classes, includeTop, inputShape, seed);

    /// <summary>VGG-13 (torchvision <c>vgg13</c>; <c>vgg13_bn</c> with <paramref name="batchNorm"/>).</summary>
    public static Model Vgg13(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool batchNorm = false) => Create(s_vgg13, "vgg13", batchNorm, classes, includeTop, inputShape, seed);

    /// <summary>VGG-16 (torchvision <c>vgg16</c>; <c>vgg16_bn</c> with <paramref name="batchNorm"/>).</summary>
    public static Model Vgg16(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool batchNorm = false) => Create(s_vgg16, "vgg16", batchNorm, classes, includeTop, inputShape, seed);

    /// <summary>VGG-19 (torchvision <c>vgg19</c>; <c>vgg19_bn</c> with <paramref name="batchNorm"/>).</summary>
    public static Model Vgg19(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool batchNorm = false) => Create(s_vgg19, "vgg19", batchNorm, classes, includeTop, inputShape, seed);

    private static Model Create(int[] config, string name, bool batchNorm, int classes, bool includeTop,
        int[]? inputShape, int seed)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = inputs;
        int index = 0;
        foreach (int filters in config)
        {
            if (filters == M)
            {
                x = new MaxPooling2D(2, 2, name: $"features.{index++}").Call(x);
                continue;
            }
            x = Conv(filters, 3, $"features.{index++}", padding: 1).Call(x);
            if (batchNorm)
                x = Bn($"features.{index++}").Call(x);
            x = new ReLU($"features.{index++}").Call(x);
        }
        x = new AdaptiveAveragePooling2D(7, "avgpool").Call(x);
        if (includeTop)
        {
            x = new Flatten("flatten").Call(x);
            x = Linear(4096, "classifier.0").Call(x);
            x = new ReLU("classifier.1").Call(x);
            x = new Dropout(0.5, "classifier.2").Call(x);
            x = Linear(4096, "classifier.3").Call(x);
            x = new ReLU("classifier.4").Call(x);
            x = new Dropout(0.5, "classifier.5").Call(x);
            x = Linear(classes, "classifier.6").Call(x);
        }
        return new Model(inputs, x, batchNorm ? name + "_bn" : name, seed);
    }
}

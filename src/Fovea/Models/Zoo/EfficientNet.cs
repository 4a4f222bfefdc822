using Fovea.Layers;
using static Fovea.Models.Zoo.TorchvisionBlocks;

namespace Fovea.Models.Zoo;

/// <summary>
/// EfficientNet-B0…B7 (Tan and Le 2019) and EfficientNetV2-S/M (2021) with torchvision's exact structure and module
/// names: <c>features.0</c> stem (3×3/2 convolution, SiLU), one <c>features.i</c> per stage holding blocks
/// <c>features.i.j.block.k</c>, <c>features.n+1</c> the last 1×1 convolution, <c>classifier.1</c> the linear layer
/// after dropout. MBConv blocks: 1×1 expansion, depthwise k×k, squeeze-and-excitation (SiLU, sigmoid gate, squeeze
/// to input/4 channels), 1×1 projection; V2's early stages use FusedMBConv (one k×k convolution in place of the
/// expansion and the depthwise one). Stochastic depth on the residual branches grows linearly to 0.2 over the
/// blocks (torchvision's rule, row mode); widths and depths scale per variant. Outputs logits;
/// <c>includeTop: false</c> stops after the global average pooling.
/// </summary>
public static class EfficientNet
{
    /// <summary>A stage: fused, expansion ratio, kernel, first stride, input and output channels, blocks.</summary>
    private readonly record struct Stage(bool Fused, double Expand, int Kernel, int Stride, int In, int Out, int Layers);

    private static readonly Stage[] s_b =
    [
        new(false, 1, 3, 1, 32, 16, 1), new(false, 6, 3, 2, 16, 24, 2), new(false, 6, 5, 2, 24, 40, 2),
        new(false, 6, 3, 2, 40, 80, 3), new(false, 6, 5, 1, 80, 112, 3), new(false, 6, 5, 2, 112, 192, 4),
        new(false, 6, 3, 1, 192, 320, 1),
    ];

    private static readonly Stage[] s_v2s =
    [
        new(true, 1, 3, 1, 24, 24, 2), new(true, 4, 3, 2, 24, 48, 4), new(true, 4, 3, 2, 48, 64, 4),
        new(false, 4, 3, 2, 64, 128, 6), new(false, 6, 3, 1, 128, 160, 9), new(false, 6, 3, 2, 160, 256, 15),
    ];

    private static readonly Stage[] s_v2m =
    [
        new(true, 1, 3, 1, 24, 24, 3), new(true, 4, 3, 2, 24, 48, 5), new(true, 4, 3, 2, 48, 80, 5),
        new(false, 4, 3, 2, 80, 160, 7), new(false, 6, 3, 1, 160, 176, 14), new(false, 6, 3, 2, 176, 304, 18),
        new(false, 6, 3, 1, 304, 512, 5),
    ];

    // torchvision: B0-B4 use nn.BatchNorm2d's defaults, B5-B7 ε 1e-3 with momentum 0.01, V2 ε 1e-3.
    private static readonly Norm s_default = new(1e-5f, 0.1f), s_large = new(1e-3f, 0.01f), s_v2 = new(1e-3f, 0.1f);

    public static Model B0(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b0", 1.0, 1.0, 0.2, s_default, classes, includeTop, inputShape, seed);

    public static Model B1(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b1", 1.0, 1.1, 0.2, s_default, classes, includeTop, inputShape, seed);

    public static Model B2(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b2", 1.1, 1.2, 0.3, s_default, classes, includeTop, inputShape, seed);

    public static Model B3(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b3", 1.2, 1.4, 0.3, s_default, classes, includeTop, inputShape, seed);

    public static Model B4(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b4", 1.4, 1.8, 0.4, s_default, classes, includeTop, inputShape, seed);

    public static Model B5(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b5", 1.6, 2.2, 0.4, s_large, classes, includeTop, inputShape, seed);

    public static Model B6(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b6", 1.8, 2.6, 0.5, s_large, classes, includeTop, inputShape, seed);

    public static Model B7(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        CreateB("efficientnet_b7", 2.0, 3.1, 0.5, s_large, classes, includeTop, inputShape, seed);

    public static Model V2S(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("efficientnet_v2_s", s_v2s, 1280, 0.2, s_v2, classes, includeTop, inputShape, seed);

    public static Model V2M(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("efficientnet_v2_m", s_v2m, 1280, 0.3, s_v2, classes, includeTop, inputShape, seed);

    private static Model CreateB(string name, double width, double depth, double dropout, Norm norm, int classes,
        bool includeTop, int[]? inputShape, int seed)
    {
        var stages = s_b.Select(s => s with
        {
            In = MakeDivisible(s.In * width), Out = MakeDivisible(s.Out * width), Layers = (int)Math.Ceiling(s.Layers * depth),
        }).ToArray();
        return Create(name, stages, null, dropout, norm, classes, includeTop, inputShape, seed);
    }

    private static Model Create(string name, Stage[] stages, int? lastChannel, double dropout, Norm norm, int classes,
        bool includeTop, int[]? inputShape, int seed)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = ConvNormActivation(inputs, stages[0].In, 3, 2, 1, Activations.Silu, norm, "features.0");
        int total = stages.Sum(s => s.Layers), id = 0;
        for (int i = 0; i < stages.Length; i++)
        {
            for (int j = 0; j < stages[i].Layers; j++)
            {
                var block = j == 0 ? stages[i] : stages[i] with { In = stages[i].Out, Stride = 1 };
                double dropRate = 0.2 * id++ / total;
                string prefix = $"features.{i + 1}.{j}";
                x = block.Fused ? FusedMBConv(x, block, dropRate, norm, prefix) : MBConv(x, block, dropRate, norm, prefix);
            }
        }
        int last = lastChannel ?? 4 * stages[^1].Out;
        x = ConvNormActivation(x, last, 1, 1, 1, Activations.Silu, norm, $"features.{stages.Length + 1}");
        x = new GlobalAveragePooling2D(name: "avgpool").Call(x);
        if (includeTop)
        {
            x = new Dropout(dropout, name: "classifier.0").Call(x);
            x = new Dense(classes, name: "classifier.1").Call(x);
        }
        return new Model(inputs, x, name, seed);
    }

    private static SymbolicTensor MBConv(SymbolicTensor x, Stage b, double dropRate, Norm norm, string prefix)
    {
        int expanded = MakeDivisible(b.In * b.Expand);
        int k = 0;
        var y = x;
        if (expanded != b.In)
            y = ConvNormActivation(y, expanded, 1, 1, 1, Activations.Silu, norm, $"{prefix}.block.{k++}");
        y = ConvNormActivation(y, expanded, b.Kernel, b.Stride, expanded, Activations.Silu, norm, $"{prefix}.block.{k++}");
        y = SqueezeExcitation(y, expanded, Math.Max(1, b.In / 4), Activations.Silu, Activations.Sigmoid,
            $"{prefix}.block.{k++}");
        y = ConvNormActivation(y, b.Out, 1, 1, 1, null, norm, $"{prefix}.block.{k}");
        return Residual(x, y, b, dropRate, prefix);
    }

    private static SymbolicTensor FusedMBConv(SymbolicTensor x, Stage b, double dropRate, Norm norm, string prefix)
    {
        int expanded = MakeDivisible(b.In * b.Expand);
        SymbolicTensor y;
        if (expanded != b.In)
        {
            y = ConvNormActivation(x, expanded, b.Kernel, b.Stride, 1, Activations.Silu, norm, $"{prefix}.block.0");
            y = ConvNormActivation(y, b.Out, 1, 1, 1, null, norm, $"{prefix}.block.1");
        }
        else
        {
            y = ConvNormActivation(x, b.Out, b.Kernel, b.Stride, 1, Activations.Silu, norm, $"{prefix}.block.0");
        }
        return Residual(x, y, b, dropRate, prefix);
    }

    private static SymbolicTensor Residual(SymbolicTensor x, SymbolicTensor y, Stage b, double dropRate, string prefix)
    {
        if (b.Stride != 1 || b.In != b.Out)
            return y;
        y = new DropPath(dropRate, name: prefix + ".stochastic_depth").Call(y);
        return new Add(name: prefix + ".add").Call([y, x]);
    }
}

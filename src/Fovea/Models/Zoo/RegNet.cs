using Fovea.Layers;
using static Fovea.Models.Zoo.TorchModules;

namespace Fovea.Models.Zoo;

/// <summary>
/// RegNetX and RegNetY (400MF, 800MF, 1.6GF, 3.2GF, 8GF) as torchvision builds them (<c>regnet_x_400mf</c> …
/// <c>regnet_y_8gf</c>): a 3×3/2 stem to 32 channels ("stem.0/.1/.2"), four stages
/// "trunk_output.block{s}.block{s}-{i}" of residual bottlenecks (1×1 "f.a", grouped 3×3 "f.b" with the stride and
/// groups of group width, for RegNetY a squeeze-excitation "f.se" (global average, 1×1 convolution "fc1" to
/// round(0.25·block input width) channels, ReLU, 1×1 "fc2", sigmoid, channel scaling), 1×1 "f.c" without
/// activation; a 1×1 strided projection "proj" where the shape changes; ReLU after the sum), global average pooling
/// and "fc". BatchNorm ε = 1e−5. The stage depths, widths and group widths are torchvision's (from its
/// <c>BlockParams.from_init_params</c>, bottleneck multiplier 1). Outputs logits; <c>includeTop: false</c> stops
/// after the pooling.
/// </summary>
public static class RegNet
{
    /// <summary>One stage: blocks, output width, group width.</summary>
    private readonly record struct Stage(int Depth, int Width, int GroupWidth);

    private static readonly Dictionary<string, (Stage[] Stages, bool Se)> s_configs = new()
    {
        ["regnet_x_400mf"] = ([new(1, 32, 16), new(2, 64, 16), new(7, 160, 16), new(12, 400, 16)], false),
        ["regnet_x_800mf"] = ([new(1, 64, 16), new(3, 128, 16), new(7, 288, 16), new(5, 672, 16)], false),
        ["regnet_x_1_6gf"] = ([new(2, 72, 24), new(4, 168, 24), new(10, 408, 24), new(2, 912, 24)], false),
        ["regnet_x_3_2gf"] = ([new(2, 96, 48), new(6, 192, 48), new(15, 432, 48), new(2, 1008, 48)], false),
        ["regnet_x_8gf"] = ([new(2, 80, 80), new(5, 240, 120), new(15, 720, 120), new(1, 1920, 120)], false),
        ["regnet_y_400mf"] = ([new(1, 48, 8), new(3, 104, 8), new(6, 208, 8), new(6, 440, 8)], true),
        ["regnet_y_800mf"] = ([new(1, 64, 16), new(3, 144, 16), new(8, 320, 16), new(2, 784, 16)], true),
        ["regnet_y_1_6gf"] = ([new(2, 48, 24), new(6, 120, 24), new(17, 336, 24), new(2, 888, 24)], true),
        ["regnet_y_3_2gf"] = ([new(2, 72, 24), new(5, 216, 24), new(13, 576, 24), new(1, 1512, 24)], true),
        ["regnet_y_8gf"] = ([new(2, 224, 56), new(4, 448, 56), new(10, 896, 56), new(1, 2016, 56)], true),
    };

    /// <summary>The torchvision names this class builds ("regnet_x_400mf", ...).</summary>
    public static IReadOnlyList<string> Names => s_configs.Keys.ToList();

    /// <summary>Builds RegNet <paramref name="name"/> (a torchvision name, see <see cref="Names"/>);
    /// <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model Create(string name, int classes = 1000, bool includeTop = true, int[]? inputShape = null,
        int seed = 0)
    {
        if (!s_configs.TryGetValue(name, out var config))
            throw new FoveaException($"unknown RegNet '{name}'; known: {string.Join(", ", s_configs.Keys)}");
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = ConvBnRelu(inputs, 32, 3, "stem", stride: 2);
        int width = 32;
        for (int s = 0; s < config.Stages.Length; s++)
        {
            var stage = config.Stages[s];
            for (int i = 0; i < stage.Depth; i++)
            {
                string prefix = $"trunk_output.block{s + 1}.block{s + 1}-{i}";
                x = Block(x, width, stage.Width, i == 0 ? 2 : 1, stage.GroupWidth, config.Se, prefix);
                width = stage.Width;
            }
        }
        x = new GlobalAveragePooling2D("avgpool").Call(x);
        if (includeTop)
            x = Linear(classes, "fc").Call(x);
        return new Model(inputs, x, name, seed);
    }

    private static SymbolicTensor Block(SymbolicTensor x, int widthIn, int widthOut, int stride, int groupWidth, bool se,
        string prefix)
    {
        var f = ConvBnRelu(x, widthOut, 1, $"{prefix}.f.a");
        f = ConvBnRelu(f, widthOut, 3, $"{prefix}.f.b", stride: stride, groups: widthOut / groupWidth);
        if (se)
            f = SqueezeExcitation(f, widthOut, (int)Math.Round(0.25 * widthIn, MidpointRounding.ToEven), $"{prefix}.f.se");
        f = Conv(widthOut, 1, $"{prefix}.f.c.0", bias: false).Call(f);
        f = Bn($"{prefix}.f.c.1").Call(f);
        var shortcut = x;
        if (widthIn != widthOut || stride != 1)
        {
            shortcut = Conv(widthOut, 1, $"{prefix}.proj.0", stride: stride, bias: false).Call(x);
            shortcut = Bn($"{prefix}.proj.1").Call(shortcut);
        }
        var y = new Add($"{prefix}.add").Call([shortcut, f]);
        return new ReLU($"{prefix}.activation").Call(y);
    }

    /// <summary>torchvision's SqueezeExcitation from stock layers: x · σ(fc2(ReLU(fc1(mean over H, W of x)))), with
    /// 1×1 convolutions "fc1" and "fc2" (with bias) on the [N, C, 1, 1] means.</summary>
    private static SymbolicTensor SqueezeExcitation(SymbolicTensor x, int channels, int squeeze, string prefix)
    {
        var s = new AdaptiveAveragePooling2D(1, $"{prefix}.avgpool").Call(x);
        s = Conv(squeeze, 1, $"{prefix}.fc1").Call(s);
        s = new ReLU($"{prefix}.activation").Call(s);
        s = Conv(channels, 1, $"{prefix}.fc2").Call(s);
        s = new Activation(Activations.Sigmoid, name: $"{prefix}.scale_activation").Call(s);
        return new Multiply($"{prefix}.scale").Call([x, s]);
    }
}

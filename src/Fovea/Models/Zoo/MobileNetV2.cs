using Fovea.Layers;
using static Fovea.Models.Zoo.TorchModules;

namespace Fovea.Models.Zoo;

/// <summary>
/// MobileNetV2 as torchvision builds it (<c>mobilenet_v2</c>, width 1.0): a 3×3/2 stem ("features.0"), 17
/// inverted residual blocks ("features.1" … "features.17": 1×1 expansion by t, 3×3 depthwise, 1×1 linear
/// projection, residual when the stride is 1 and the width is kept), a 1×1 convolution to 1280 ("features.18"),
/// global average pooling and "classifier.1" after dropout 0.2. Convolutions have no bias, BatchNorm ε = 1e−5,
/// activations ReLU6. Outputs logits; <c>includeTop: false</c> stops after the pooling (1280 features).
/// </summary>
public static class MobileNetV2
{
    // (expansion t, output channels c, repeats n, first stride s), torchvision's inverted_residual_setting.
    private static readonly (int T, int C, int N, int S)[] s_settings =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    /// <summary>Builds MobileNetV2; <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model Create(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = ConvBnRelu(inputs, 32, 3, "features.0", stride: 2, activation: Activations.Relu6);
        int channels = 32, index = 1;
        foreach (var (t, c, n, s) in s_settings)
        {
            for (int i = 0; i < n; i++)
            {
                x = InvertedResidual(x, channels, c, i == 0 ? s : 1, t, $"features.{index++}");
                channels = c;
            }
        }
        x = ConvBnRelu(x, 1280, 1, $"features.{index}", activation: Activations.Relu6);
        x = new GlobalAveragePooling2D("avgpool").Call(x);
        if (includeTop)
        {
            x = new Dropout(0.2, "classifier.0").Call(x);
            x = Linear(classes, "classifier.1").Call(x);
        }
        return new Model(inputs, x, "mobilenet_v2", seed);
    }

    private static SymbolicTensor InvertedResidual(SymbolicTensor x, int inChannels, int outChannels, int stride,
        int expansion, string prefix)
    {
        int hidden = inChannels * expansion;
        var y = x;
        int i = 0;
        if (expansion != 1)
            y = ConvBnRelu(y, hidden, 1, $"{prefix}.conv.{i++}", activation: Activations.Relu6);
        y = ConvBnRelu(y, hidden, 3, $"{prefix}.conv.{i++}", stride: stride, groups: hidden,
            activation: Activations.Relu6);
        y = Conv(outChannels, 1, $"{prefix}.conv.{i++}", bias: false).Call(y);
        y = Bn($"{prefix}.conv.{i}").Call(y);
        return stride == 1 && inChannels == outChannels ? new Add($"{prefix}.add").Call([x, y]) : y;
    }
}

using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;
using static Fovea.Vision.Segmentation.SegmentationHeads;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// DeepLabV3+ (Chen et al. 2018): a dilated backbone, ASPP on its last map (a 1×1 branch, a 3×3 branch per rate and
/// an image-pooling branch, projected to 256 channels), bilinear upsampling to the low-level features (stride 4),
/// concatenated with those reduced to 48 channels by a 1×1 convolution, two 3×3 convolutions of 256 channels, a 1×1
/// classifier and a bilinear resize to the input: [N, 3, H, W] → logits [N, classes, H, W]. Output stride 16 uses
/// rates (6, 12, 18) by default, output stride 8 doubles them to (12, 24, 36), as the paper does.
/// The image-pooling branch has no BatchNorm (its 1×1 convolution has a bias instead): after global pooling each
/// channel holds one value per image, so BatchNorm in training at batch size 1 has zero variance (torchvision's ASPP
/// raises there). With it, the model trains at any batch size. Layer names: <c>backbone.*</c> (torchvision's),
/// <c>aspp.*</c>, <c>decoder.*</c>, <c>classifier</c>, <c>out</c>.
/// </summary>
public static class DeepLabV3Plus
{
    /// <summary>Builds DeepLabV3+.</summary>
    /// <param name="classes">Output channels (classes, background included).</param>
    /// <param name="inputShape">The sample shape [3, H, W].</param>
    /// <param name="backbone">The encoder (default ResNet-50).</param>
    /// <param name="outputStride">16 (default) or 8 (ResNet-50 only): the backbone's stride at the ASPP.</param>
    /// <param name="rates">The ASPP dilation rates; default (6, 12, 18) at output stride 16, (12, 24, 36) at 8.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <exception cref="FoveaException">An output stride the backbone cannot give, or a bad shape.</exception>
    public static Model Create(int classes, int[] inputShape, DeepLabBackbone backbone = DeepLabBackbone.ResNet50,
        int outputStride = 16, int[]? rates = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (outputStride is not (8 or 16) || backbone == DeepLabBackbone.MobileNetV3Large && outputStride != 16)
            throw new FoveaException($"DeepLabV3Plus: output stride {outputStride} is not available with {backbone}; " +
                "expected 16, or 8 with ResNet50");
        if (classes < 1 || inputShape.Length != 3 || inputShape[0] != 3 || inputShape[1] < 1 || inputShape[2] < 1)
            throw new FoveaException($"DeepLabV3Plus: expected classes ≥ 1 and input [3, H, W], received classes " +
                $"{classes}, input [{string.Join(", ", inputShape)}]");
        rates ??= outputStride == 16 ? [6, 12, 18] : [12, 24, 36];
        if (rates.Length == 0 || rates.Any(r => r < 1))
            throw new FoveaException($"DeepLabV3Plus: rates must be positive, received [{string.Join(", ", rates)}]");

        var (input, low, high) = Backbone(inputShape, backbone, outputStride, seed);
        using var seeded = Layer.Seeded(seed);
        var x = Aspp(high, rates, "aspp", poolingNorm: false);
        x = new Resizing(low.Shape[1], low.Shape[2], name: "decoder.upsample").Call(x);
        var l = ConvBnRelu(low, 48, 1, "decoder.low");
        x = new Concatenate(name: "decoder.concat").Call([x, l]);
        x = ConvBnRelu(x, 256, 3, "decoder.conv1");
        x = ConvBnRelu(x, 256, 3, "decoder.conv2");
        x = Conv(classes, 1, "classifier", bias: true).Call(x);
        x = new Resizing(inputShape[1], inputShape[2], name: "out").Call(x);
        return new Model(input, x, "deeplabv3plus", seed);
    }

    private static (SymbolicTensor Input, SymbolicTensor Low, SymbolicTensor High) Backbone(int[] inputShape,
        DeepLabBackbone backbone, int outputStride, int seed)
    {
        Model net;
        string lowStage;
        string highStage;
        if (backbone == DeepLabBackbone.ResNet50)
        {
            net = ResNet.ResNet50(includeTop: false, inputShape: inputShape, seed: seed,
                replaceStrideWithDilation: [false, outputStride == 8, true]);
            (lowStage, highStage) = ("layer1.", "layer4.");
        }
        else
        {
            net = MobileNetV3.Large(includeTop: false, inputShape: inputShape, seed: seed, dilated: true);
            (lowStage, highStage) = ("features.3.", "features.16.");
        }
        var low = net.Layers.Last(l => l.Name!.StartsWith(lowStage, StringComparison.Ordinal)).Output;
        var high = net.Layers.Last(l => l.Name!.StartsWith(highStage, StringComparison.Ordinal)).Output;
        foreach (var layer in net.Layers)
        {
            string name = layer.Name!;
            layer.Name = "backbone." + (name.StartsWith("features.", StringComparison.Ordinal)
                ? name["features.".Length..] : name);
        }
        return (net.Inputs[0], low, high);
    }
}

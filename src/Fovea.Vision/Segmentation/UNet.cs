using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// U-Net (Ronneberger et al. 2015): an encoder of <c>depth</c> levels, each two 3×3 convolutions with ReLU then 2×2
/// max pooling, doubling the width from <c>filters</c>; a bottleneck of two convolutions; a decoder that at each level
/// upsamples by a 2×2 transposed convolution with stride 2 (halving the width), concatenates the encoder's map of
/// the same size (the skip connection) and applies two convolutions; a 1×1 convolution to the class logits.
/// The original's unpadded convolutions and cropping are replaced by 'same' padding, so the output has the input's
/// size ([N, 3, H, W] → [N, classes, H, W], H and W multiples of 2^depth). <c>batchNorm: true</c> (the default) puts
/// BatchNorm after each convolution, as most modern U-Nets do; <c>false</c> is the paper's network. Layer names:
/// <c>encoder{i}.conv{1,2}</c>, <c>bottleneck.conv{1,2}</c>, <c>decoder{i}.up</c>, <c>decoder{i}.conv{1,2}</c>,
/// <c>classifier</c>.
/// </summary>
public static class UNet
{
    /// <summary>Builds a U-Net.</summary>
    /// <param name="classes">Output channels (classes, background included).</param>
    /// <param name="inputShape">The sample shape [channels, H, W]; H and W must be multiples of 2^depth.</param>
    /// <param name="depth">Number of poolings (the paper: 4).</param>
    /// <param name="filters">Width of the first level (the paper: 64); level i has filters·2^i.</param>
    /// <param name="batchNorm">BatchNorm after every 3×3 convolution (the paper has none).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <exception cref="FoveaException">A shape, depth or width the network cannot take.</exception>
    public static Model Create(int classes, int[] inputShape, int depth = 4, int filters = 64, bool batchNorm = true,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int step = 1 << Math.Clamp(depth, 0, 16);
        if (classes < 1 || depth < 1 || depth > 8 || filters < 1 || inputShape.Length != 3 || inputShape[0] < 1
            || inputShape[1] < step || inputShape[2] < step || inputShape[1] % step != 0 || inputShape[2] % step != 0)
        {
            throw new FoveaException($"UNet: expected classes ≥ 1, depth in [1, 8], filters ≥ 1 and input [C, H, W] " +
                $"with H, W multiples of 2^depth = {step}; received classes {classes}, depth {depth}, filters " +
                $"{filters}, input [{string.Join(", ", inputShape)}]");
        }
        using var seeded = Layer.Seeded(seed);
        var input = Input.Create(inputShape, "input");
        var skips = new List<SymbolicTensor>();
        var x = input;
        for (int level = 0; level < depth; level++)
        {
            x = DoubleConv(x, filters << level, batchNorm, $"encoder{level + 1}");
            skips.Add(x);
            x = new MaxPooling2D(2, name: $"encoder{level + 1}.pool").Call(x);
        }
        x = DoubleConv(x, filters << depth, batchNorm, "bottleneck");
        for (int level = depth - 1; level >= 0; level--)
        {
            string prefix = $"decoder{level + 1}";
            x = new Conv2DTranspose(filters << level, 2, 2, name: prefix + ".up").Call(x);
            x = new Concatenate(name: prefix + ".concat").Call([skips[level], x]);
            x = DoubleConv(x, filters << level, batchNorm, prefix);
        }
        var logits = new Conv2D(classes, 1, name: "classifier").Call(x);
        return new Model(input, logits, "unet", seed);
    }

    /// <summary>
    /// A U-Net on a torchvision encoder (as segmentation_models_pytorch builds them): the encoder's maps at strides 2,
    /// 4, 8 and 16 are the skips, its stride-32 map the bottom; each of the five decoder levels upsamples by 2
    /// (bilinear, <c>decoder{i}.up</c>), concatenates the skip of that size (none at the last level) and applies two
    /// 3×3 convolutions with BatchNorm and ReLU (widths <paramref name="decoderFilters"/>, default 256, 128, 64, 32,
    /// 16); a 1×1 convolution gives the logits [N, classes, H, W]. The encoder's layers keep torchvision's names
    /// ("layer1.0.conv1", "features.3.0.block.0.0"), so <c>LoadStateDict(torchvisionClassifier, strict: false)</c>
    /// fills it and reports the decoder as missing and the classifier as unexpected.
    /// </summary>
    /// <param name="classes">Output channels.</param>
    /// <param name="inputShape">The sample shape [3, H, W]; H and W multiples of 32.</param>
    /// <param name="encoder">The torchvision network.</param>
    /// <param name="decoderFilters">Widths of the five decoder levels, deepest first.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <exception cref="FoveaException">A shape the encoder cannot take, or not five decoder widths.</exception>
    public static Model WithEncoder(int classes, int[] inputShape, UNetEncoder encoder = UNetEncoder.ResNet34,
        int[]? decoderFilters = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        decoderFilters ??= [256, 128, 64, 32, 16];
        if (classes < 1 || inputShape.Length != 3 || inputShape[0] != 3 || inputShape[1] < 32 || inputShape[2] < 32
            || inputShape[1] % 32 != 0 || inputShape[2] % 32 != 0 || decoderFilters.Length != 5
            || decoderFilters.Any(f => f < 1))
        {
            throw new FoveaException("UNet.WithEncoder: expected classes ≥ 1, input [3, H, W] with H, W multiples of " +
                $"32 and five positive decoder widths; received classes {classes}, input " +
                $"[{string.Join(", ", inputShape)}], decoder [{string.Join(", ", decoderFilters)}]");
        }
        var (net, stages) = encoder switch
        {
            UNetEncoder.ResNet18 => (ResNet.ResNet18(includeTop: false, inputShape: inputShape, seed: seed),
                s_resNetStages),
            UNetEncoder.ResNet34 => (ResNet.ResNet34(includeTop: false, inputShape: inputShape, seed: seed),
                s_resNetStages),
            UNetEncoder.ResNet50 => (ResNet.ResNet50(includeTop: false, inputShape: inputShape, seed: seed),
                s_resNetStages),
            UNetEncoder.MobileNetV3Large => (MobileNetV3.Large(includeTop: false, inputShape: inputShape, seed: seed),
                ["features.1.", "features.3.", "features.6.", "features.12.", "features.16."]),
            UNetEncoder.EfficientNetB0 => (EfficientNet.B0(includeTop: false, inputShape: inputShape, seed: seed),
                ["features.1.", "features.2.", "features.3.", "features.5.", "features.8."]),
            _ => throw new ArgumentOutOfRangeException(nameof(encoder), encoder, "UNet.WithEncoder: encoder"),
        };
        var features = stages.Select(stage => net.Layers.Last(l => l.Name == stage
            || l.Name!.StartsWith(stage, StringComparison.Ordinal)).Output).ToList();
        using var seeded = Layer.Seeded(seed);
        var x = features[^1];
        for (int level = 0; level < 5; level++)
        {
            string prefix = $"decoder{5 - level}";
            x = new UpSampling2D(2, Interpolation.Bilinear, name: prefix + ".up").Call(x);
            if (level < 4)
                x = new Concatenate(name: prefix + ".concat").Call([x, features[3 - level]]);
            x = DoubleConv(x, decoderFilters[level], batchNorm: true, prefix);
        }
        var logits = new Conv2D(classes, 1, name: "classifier").Call(x);
        return new Model(net.Inputs[0], logits, $"unet_{encoder.ToString().ToLowerInvariant()}", seed);
    }

    /// <summary>ResNet's maps at strides 2 (the stem's ReLU), 4, 8, 16 and 32.</summary>
    private static readonly string[] s_resNetStages = ["relu", "layer1.", "layer2.", "layer3.", "layer4."];

    private static SymbolicTensor DoubleConv(SymbolicTensor x, int width, bool batchNorm, string prefix)
    {
        for (int i = 1; i <= 2; i++)
        {
            x = new Conv2D(width, 3, padding: Padding.Same, useBias: !batchNorm,
                kernelInitializer: Initializers.HeNormal, name: $"{prefix}.conv{i}").Call(x);
            if (batchNorm)
                x = new BatchNormalization(name: $"{prefix}.bn{i}").Call(x);
            x = new ReLU(name: $"{prefix}.relu{i}").Call(x);
        }
        return x;
    }
}

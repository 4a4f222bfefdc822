using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// ResNet-18/34 (basic blocks), ResNet-50/101/152, ResNeXt-50 (32×4d) and Wide-ResNet-50-2 (bottlenecks) with
/// torchvision's exact structure and layer names
/// ("conv1", "bn1", "layer1.0.conv1", ..., "fc"): 7×7/2 stem with padding 3, 3×3/2 max pooling with padding 1,
/// convolutions without bias, BatchNorm ε = 1e−5 and PyTorch momentum 0.1 (Keras 0.9), downsampling by a strided
/// 1×1 convolution + BatchNorm on the shortcut, global average pooling and a linear classifier.
/// Outputs logits (use a loss with <c>fromLogits: true</c>); <c>includeTop: false</c> stops after the pooling
/// (512 or 2048 features). A bottleneck's 3×3 convolution has width ⌊planes·widthPerGroup/64⌋·groups (torchvision's
/// rule: 32 groups of 4 per 64 planes for ResNeXt-50 32×4d, twice the width for Wide-ResNet-50-2). Weights load from
/// a torchvision state dict with <see cref="Model.LoadStateDict(string, bool)"/>. The bottleneck ResNets take
/// torchvision's <c>replace_stride_with_dilation</c> (three flags for layer2, layer3, layer4; default none): a flagged
/// stage keeps its stride 1 and dilates its 3×3 convolutions instead (the first block with the previous dilation), as
/// the segmentation models' backbones do with [false, true, true] (output stride 8).
/// </summary>
public static class ResNet
{
    /// <summary>ResNet-18 (torchvision <c>resnet18</c>); <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model ResNet18(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("resnet18", [2, 2, 2, 2], bottleneck: false, classes, includeTop, inputShape, seed);

    /// <summary>ResNet-34 (torchvision <c>resnet34</c>); <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model ResNet34(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("resnet34", [3, 4, 6, 3], bottleneck: false, classes, includeTop, inputShape, seed);

    /// <summary>ResNet-50 (torchvision <c>resnet50</c>); <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model ResNet50(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool[]? replaceStrideWithDilation = null) =>
        Create("resnet50", [3, 4, 6, 3], bottleneck: true, classes, includeTop, inputShape, seed,
            replaceStrideWithDilation: replaceStrideWithDilation);

    /// <summary>ResNet-101 (torchvision <c>resnet101</c>); <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model ResNet101(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool[]? replaceStrideWithDilation = null) =>
        Create("resnet101", [3, 4, 23, 3], bottleneck: true, classes, includeTop, inputShape, seed,
            replaceStrideWithDilation: replaceStrideWithDilation);

    /// <summary>ResNet-152 (torchvision <c>resnet152</c>); <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model ResNet152(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool[]? replaceStrideWithDilation = null) =>
        Create("resnet152", [3, 8, 36, 3], bottleneck: true, classes, includeTop, inputShape, seed,
            replaceStrideWithDilation: replaceStrideWithDilation);

    /// <summary>ResNeXt-50 32×4d (torchvision <c>resnext50_32x4d</c>): ResNet-50 with grouped 3×3 convolutions.</summary>
    public static Model ResNeXt50(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool[]? replaceStrideWithDilation = null) =>
        Create("resnext50_32x4d", [3, 4, 6, 3], bottleneck: true, classes, includeTop, inputShape, seed, groups: 32,
            widthPerGroup: 4, replaceStrideWithDilation: replaceStrideWithDilation);

    /// <summary>Wide-ResNet-50-2 (torchvision <c>wide_resnet50_2</c>): ResNet-50 with bottlenecks twice as wide.</summary>
    public static Model WideResNet50(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool[]? replaceStrideWithDilation = null) =>
        Create("wide_resnet50_2", [3, 4, 6, 3], bottleneck: true, classes, includeTop, inputShape, seed,
            widthPerGroup: 128, replaceStrideWithDilation: replaceStrideWithDilation);

    private static Model Create(string name, int[] blocks, bool bottleneck, int classes, bool includeTop, int[]? inputShape,
        int seed, int groups = 1, int widthPerGroup = 64, bool[]? replaceStrideWithDilation = null)
    {
        if (replaceStrideWithDilation is { } d && (d.Length != 3 || !bottleneck && d.Any(b => b)))
        {
            throw new FoveaException($"{name}: replaceStrideWithDilation takes 3 flags (layer2, layer3, layer4), for " +
                $"bottleneck ResNets only; received [{string.Join(", ", d)}]");
        }
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = Conv(64, 7, 2, 3, "conv1").Call(inputs);
        x = Bn("bn1").Call(x);
        x = new ReLU(name: "relu").Call(x);
        x = new MaxPooling2D(3, 2, padding: 1, name: "maxpool").Call(x);
        int inChannels = 64;
        int dilation = 1;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = 64 << stage;
            int stageStride = stage > 0 ? 2 : 1;
            int previousDilation = dilation;
            if (stage > 0 && replaceStrideWithDilation?[stage - 1] == true)
            {
                // torchvision's _make_layer(dilate=True): the stride becomes dilation; the stage's first block keeps
                // the previous dilation, the others take the new one.
                dilation *= stageStride;
                stageStride = 1;
            }
            for (int b = 0; b < blocks[stage]; b++)
            {
                int stride = b == 0 ? stageStride : 1;
                int blockDilation = b == 0 ? previousDilation : dilation;
                string prefix = $"layer{stage + 1}.{b}";
                x = bottleneck
                    ? Bottleneck(x, inChannels, planes, planes * widthPerGroup / 64 * groups, groups, stride, prefix,
                        blockDilation)
                    : Basic(x, inChannels, planes, stride, prefix);
                inChannels = bottleneck ? planes * 4 : planes;
            }
        }
        x = new GlobalAveragePooling2D(name: "avgpool").Call(x);
        if (includeTop)
            x = new Dense(classes, name: "fc").Call(x);
        return new Model(inputs, x, name, seed);
    }

    private static SymbolicTensor Basic(SymbolicTensor x, int inChannels, int width, int stride, string prefix)
    {
        var y = Conv(width, 3, stride, 1, prefix + ".conv1").Call(x);
        y = Bn(prefix + ".bn1").Call(y);
        y = new ReLU(name: prefix + ".relu1").Call(y);
        y = Conv(width, 3, 1, 1, prefix + ".conv2").Call(y);
        y = Bn(prefix + ".bn2").Call(y);
        var shortcut = Shortcut(x, inChannels, width, stride, prefix);
        y = new Add(name: prefix + ".add").Call([y, shortcut]);
        return new ReLU(name: prefix + ".relu2").Call(y);
    }

    private static SymbolicTensor Bottleneck(SymbolicTensor x, int inChannels, int planes, int width, int groups, int stride,
        string prefix, int dilation = 1)
    {
        var y = Conv(width, 1, 1, 0, prefix + ".conv1").Call(x);
        y = Bn(prefix + ".bn1").Call(y);
        y = new ReLU(name: prefix + ".relu1").Call(y);
        y = Conv(width, 3, stride, dilation, prefix + ".conv2", groups, dilation).Call(y);
        y = Bn(prefix + ".bn2").Call(y);
        y = new ReLU(name: prefix + ".relu2").Call(y);
        y = Conv(planes * 4, 1, 1, 0, prefix + ".conv3").Call(y);
        y = Bn(prefix + ".bn3").Call(y);
        var shortcut = Shortcut(x, inChannels, planes * 4, stride, prefix);
        y = new Add(name: prefix + ".add").Call([y, shortcut]);
        return new ReLU(name: prefix + ".relu3").Call(y);
    }

    private static SymbolicTensor Shortcut(SymbolicTensor x, int inChannels, int outChannels, int stride, string prefix)
    {
        if (stride == 1 && inChannels == outChannels)
            return x;
        var s = Conv(outChannels, 1, stride, 0, prefix + ".downsample.0").Call(x);
        return Bn(prefix + ".downsample.1").Call(s);
    }

    private static Conv2D Conv(int filters, int kernel, int stride, int padding, string name, int groups = 1,
        int dilation = 1) =>
        new(filters, kernel, stride, Padding.Explicit(padding), dilation, groups: groups, useBias: false,
            kernelInitializer: Initializers.HeNormal, name: name);

    private static BatchNormalization Bn(string name) => new(momentum: 0.9f, epsilon: 1e-5f, name: name);
}

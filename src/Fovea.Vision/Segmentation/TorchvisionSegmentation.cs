using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;
using static Fovea.Vision.Segmentation.SegmentationHeads;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// torchvision's semantic segmentation models (<c>torchvision.models.segmentation</c>) as Fovea functional models
/// with torchvision's module structure and <c>state_dict</c> names (<c>backbone.*</c>, <c>classifier.*</c>,
/// <c>aux_classifier.*</c>), so a torchvision state dict saved as safetensors loads with
/// <see cref="Model.LoadStateDict(string, bool)"/>. Each model takes [N, 3, H, W] for the H, W it is built for and
/// returns torchvision's dictionary as outputs in order: <c>out</c> (the main head's logits [N, classes, H, W],
/// resized bilinearly to the input size as <c>F.interpolate(mode='bilinear', align_corners=False)</c>) and, with
/// <c>auxLoss</c>, <c>aux</c> (the auxiliary FCN head's logits, same shape). The layers producing them are named
/// "out" and "aux". Backbones: ResNet-50 with <c>replace_stride_with_dilation=[False, True, True]</c> (output stride
/// 8; the auxiliary head reads layer3), MobileNetV3-Large with <c>dilated=True</c> (output stride 16; the auxiliary
/// head and LR-ASPP's low-level branch read <c>features.4</c>, output stride 8).
/// </summary>
public static class TorchvisionSegmentation
{
    /// <summary>torchvision's default sample shape for these models (its training crop): [3, 520, 520].</summary>
    public static int[] DefaultInputShape => [3, 520, 520];

    /// <summary>torchvision's <c>deeplabv3_resnet50(num_classes=classes, aux_loss=auxLoss)</c>.</summary>
    public static Model DeepLabV3ResNet50(int classes = 21, bool auxLoss = true, int[]? inputShape = null,
        int seed = 0)
    {
        var (input, c3, c4) = ResNetBackbone(inputShape, seed);
        using var seeded = Layer.Seeded(seed);
        var outputs = Finish(input, DeepLabHead(c4, classes, "classifier"),
            auxLoss ? FcnHead(c3, classes, "aux_classifier") : null);
        return new Model([input], outputs, "deeplabv3_resnet50", seed);
    }

    /// <summary>torchvision's <c>fcn_resnet50(num_classes=classes, aux_loss=auxLoss)</c>.</summary>
    public static Model FcnResNet50(int classes = 21, bool auxLoss = true, int[]? inputShape = null, int seed = 0)
    {
        var (input, c3, c4) = ResNetBackbone(inputShape, seed);
        using var seeded = Layer.Seeded(seed);
        var outputs = Finish(input, FcnHead(c4, classes, "classifier"),
            auxLoss ? FcnHead(c3, classes, "aux_classifier") : null);
        return new Model([input], outputs, "fcn_resnet50", seed);
    }

    /// <summary>torchvision's <c>deeplabv3_mobilenet_v3_large(num_classes=classes, aux_loss=auxLoss)</c>.</summary>
    public static Model DeepLabV3MobileNetV3Large(int classes = 21, bool auxLoss = true, int[]? inputShape = null,
        int seed = 0)
    {
        var (input, low, high) = MobileNetBackbone(inputShape, seed);
        using var seeded = Layer.Seeded(seed);
        var outputs = Finish(input, DeepLabHead(high, classes, "classifier"),
            auxLoss ? FcnHead(low, classes, "aux_classifier") : null);
        return new Model([input], outputs, "deeplabv3_mobilenet_v3_large", seed);
    }

    /// <summary>torchvision's <c>lraspp_mobilenet_v3_large(num_classes=classes)</c> (one output, no auxiliary
    /// head).</summary>
    public static Model LrasppMobileNetV3Large(int classes = 21, int[]? inputShape = null, int seed = 0)
    {
        var (input, low, high) = MobileNetBackbone(inputShape, seed);
        using var seeded = Layer.Seeded(seed);
        var outputs = Finish(input, LrasppHead(low, high, classes, "classifier"), null);
        return new Model([input], outputs, "lraspp_mobilenet_v3_large", seed);
    }

    /// <summary>Resizes the heads' logits to the input size, as layers named "out" and "aux".</summary>
    private static List<SymbolicTensor> Finish(SymbolicTensor input, SymbolicTensor main, SymbolicTensor? aux)
    {
        var outputs = new List<SymbolicTensor> { new Resizing(input.Shape[1], input.Shape[2], name: "out").Call(main) };
        if (aux is not null)
            outputs.Add(new Resizing(input.Shape[1], input.Shape[2], name: "aux").Call(aux));
        return outputs;
    }

    /// <summary>Dilated ResNet-50 (layer3 and layer4 at stride 8): the input, layer3's and layer4's outputs, every
    /// layer renamed "backbone.*" (torchvision's IntermediateLayerGetter).</summary>
    private static (SymbolicTensor Input, SymbolicTensor C3, SymbolicTensor C4) ResNetBackbone(int[]? inputShape,
        int seed)
    {
        var net = ResNet.ResNet50(includeTop: false, inputShape: CheckShape(inputShape), seed: seed,
            replaceStrideWithDilation: [false, true, true]);
        var c3 = LastOfStage(net, "layer3.");
        var c4 = LastOfStage(net, "layer4.");
        Rename(net, name => "backbone." + name);
        return (net.Inputs[0], c3, c4);
    }

    /// <summary>Dilated MobileNetV3-Large: the input, features.4 (40 channels, stride 8) and features.16 (960
    /// channels, stride 16), every layer renamed "backbone.*" (torchvision keeps <c>features</c> as the backbone).
    /// </summary>
    private static (SymbolicTensor Input, SymbolicTensor Low, SymbolicTensor High) MobileNetBackbone(int[]? inputShape,
        int seed)
    {
        var net = MobileNetV3.Large(includeTop: false, inputShape: CheckShape(inputShape), seed: seed, dilated: true);
        var low = LastOfStage(net, "features.4.");
        var high = LastOfStage(net, "features.16.");
        Rename(net, name => "backbone." + (name.StartsWith("features.", StringComparison.Ordinal)
            ? name["features.".Length..] : name));
        return (net.Inputs[0], low, high);
    }

    private static int[] CheckShape(int[]? inputShape)
    {
        var shape = inputShape ?? DefaultInputShape;
        if (shape.Length != 3 || shape[0] != 3 || shape[1] < 1 || shape[2] < 1)
            throw new FoveaException(
                $"segmentation models take input [3, H, W], received [{string.Join(", ", shape)}]");
        return shape;
    }

    private static SymbolicTensor LastOfStage(Model net, string prefix) =>
        net.Layers.Last(l => l.Name!.StartsWith(prefix, StringComparison.Ordinal)).Output;

    private static void Rename(Model net, Func<string, string> rename)
    {
        foreach (var layer in net.Layers)
            layer.Name = rename(layer.Name!);
    }
}

using Fovea.Models;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// The segmentation models of <see cref="TorchvisionSegmentation"/> by torchvision name, as <c>fovea zoo</c> lists
/// them and <c>fovea run --model zoo:&lt;name&gt;</c> builds them: "deeplabv3_resnet50", "fcn_resnet50",
/// "deeplabv3_mobilenet_v3_large" (all with their auxiliary heads, torchvision's <c>aux_loss=True</c>) and
/// "lraspp_mobilenet_v3_large". Outputs: <c>out</c> first, then <c>aux</c>.
/// </summary>
public static class SegmentationZoo
{
    private sealed record Entry(Func<int, int[]?, int, Model> Create, string Description);

    private static readonly Dictionary<string, Entry> s_entries = new(StringComparer.Ordinal)
    {
        ["deeplabv3_resnet50"] = new((c, s, r) => TorchvisionSegmentation.DeepLabV3ResNet50(c, true, s, r),
            "DeepLabV3, ResNet-50 backbone (segmentation: out, aux)"),
        ["fcn_resnet50"] = new((c, s, r) => TorchvisionSegmentation.FcnResNet50(c, true, s, r),
            "FCN, ResNet-50 backbone (segmentation: out, aux)"),
        ["deeplabv3_mobilenet_v3_large"] = new((c, s, r) =>
            TorchvisionSegmentation.DeepLabV3MobileNetV3Large(c, true, s, r),
            "DeepLabV3, MobileNetV3-Large backbone (segmentation: out, aux)"),
        ["lraspp_mobilenet_v3_large"] = new((c, s, r) => TorchvisionSegmentation.LrasppMobileNetV3Large(c, s, r),
            "LR-ASPP, MobileNetV3-Large backbone (segmentation: out)"),
    };

    /// <summary>torchvision's default number of classes for these models (Pascal VOC's 20 and background).</summary>
    public const int DefaultClasses = 21;

    /// <summary>Every segmentation zoo name.</summary>
    public static IReadOnlyList<string> Names => s_entries.Keys.ToList();

    /// <summary>Whether <paramref name="name"/> is a segmentation zoo name.</summary>
    public static bool Contains(string name) => s_entries.ContainsKey(name);

    /// <summary>A one-line description of <paramref name="name"/>.</summary>
    public static string Describe(string name) => Get(name).Description;

    /// <summary>Builds segmentation model <paramref name="name"/> for samples [3, H, W] of
    /// <paramref name="inputShape"/> (default [3, 520, 520]) with fresh weights.</summary>
    /// <exception cref="FoveaException">Unknown name or a shape other than [3, H, W].</exception>
    public static Model Create(string name, int classes = DefaultClasses, int[]? inputShape = null, int seed = 0) =>
        Get(name).Create(classes, inputShape, seed);

    /// <summary>
    /// The number of classes of a torchvision state dict for <paramref name="name"/>: the output channels of its
    /// last classifier weight, so <c>fovea run</c> builds the model a state dict was trained for.
    /// </summary>
    public static int ClassesOf(string name, IReadOnlyDictionary<string, Tensors.Tensor> stateDict)
    {
        Get(name);
        string key = name.StartsWith("lraspp", StringComparison.Ordinal)
            ? "classifier.low_classifier.weight" : "classifier.4.weight";
        return stateDict.TryGetValue(key, out var w) && w.Rank == 4 ? w.Shape[0]
            : throw new FoveaException($"the state dict has no '{key}' [classes, C, 1, 1]; is it a {name} state dict?");
    }

    private static Entry Get(string name) => s_entries.TryGetValue(name, out var e) ? e
        : throw new FoveaException($"unknown segmentation model '{name}'; known: {string.Join(", ", s_entries.Keys)}");
}

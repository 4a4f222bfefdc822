namespace Fovea.Models.Zoo;

/// <summary>
/// The zoo by torchvision name ("resnet50", "resnext50_32x4d", ...): each name builds a Fovea model with the
/// structure and <c>state_dict</c> names of <c>torchvision.models.&lt;name&gt;()</c>, so a torchvision state dict
/// saved as safetensors loads into it with <see cref="Model.LoadStateDict(string, bool)"/>. <c>fovea zoo</c> lists
/// <see cref="Names"/>; <c>fovea run --model zoo:&lt;name&gt;</c> builds one with <see cref="Create"/>.
/// </summary>
public static class ModelZoo
{
    /// <summary>Builds a zoo model: (classes, includeTop, inputShape, seed) → model.</summary>
    private delegate Model Factory(int classes, bool includeTop, int[]? inputShape, int seed);

    private sealed record Entry(Factory Create, int MinimumSize, string Description, int[]? Shape = null)
    {
        /// <summary>The sample shape torchvision trains on: [3, 224, 224] for images unless given, [3, 16, 112, 112]
        /// for clips.</summary>
        public int[] DefaultShape => Shape ?? [3, 224, 224];

        /// <summary>torchvision's default classes: 1000 (ImageNet), 400 (Kinetics) for the video models.</summary>
        public int DefaultClasses => DefaultShape.Length == 4 ? 400 : 1000;
    }

    private static readonly Dictionary<string, Entry> s_entries = new(StringComparer.Ordinal)
    {
        ["resnet18"] = new((c, t, s, r) => ResNet.ResNet18(c, t, s, r), 1, "ResNet-18"),
        ["resnet34"] = new((c, t, s, r) => ResNet.ResNet34(c, t, s, r), 1, "ResNet-34"),
        ["resnet50"] = new((c, t, s, r) => ResNet.ResNet50(c, t, s, r), 1, "ResNet-50"),
        ["resnet101"] = new((c, t, s, r) => ResNet.ResNet101(c, t, s, r), 1, "ResNet-101"),
        ["resnet152"] = new((c, t, s, r) => ResNet.ResNet152(c, t, s, r), 1, "ResNet-152"),
        ["resnext50_32x4d"] = new((c, t, s, r) => ResNet.ResNeXt50(c, t, s, r), 1, "ResNeXt-50 32x4d"),
        ["wide_resnet50_2"] = new((c, t, s, r) => ResNet.WideResNet50(c, t, s, r), 1, "Wide-ResNet-50-2"),
        ["mobilenet_v3_large"] = new((c, t, s, r) => MobileNetV3.Large(c, t, s, r), 1, "MobileNetV3-Large"),
        ["mobilenet_v3_small"] = new((c, t, s, r) => MobileNetV3.Small(c, t, s, r), 1, "MobileNetV3-Small"),
        ["efficientnet_b0"] = new((c, t, s, r) => EfficientNet.B0(c, t, s, r), 1, "EfficientNet-B0"),
        ["efficientnet_b1"] = new((c, t, s, r) => EfficientNet.B1(c, t, s, r), 1, "EfficientNet-B1"),
        ["efficientnet_b2"] = new((c, t, s, r) => EfficientNet.B2(c, t, s, r), 1, "EfficientNet-B2"),
        ["efficientnet_b3"] = new((c, t, s, r) => EfficientNet.B3(c, t, s, r), 1, "EfficientNet-B3"),
        ["efficientnet_b4"] = new((c, t, s, r) => EfficientNet.B4(c, t, s, r), 1, "EfficientNet-B4"),
        ["efficientnet_b5"] = new((c, t, s, r) => EfficientNet.B5(c, t, s, r), 1, "EfficientNet-B5"),
        ["efficientnet_b6"] = new((c, t, s, r) => EfficientNet.B6(c, t, s, r), 1, "EfficientNet-B6"),
        ["efficientnet_b7"] = new((c, t, s, r) => EfficientNet.B7(c, t, s, r), 1, "EfficientNet-B7"),
        ["efficientnet_v2_s"] = new((c, t, s, r) => EfficientNet.V2S(c, t, s, r), 1, "EfficientNetV2-S"),
        ["efficientnet_v2_m"] = new((c, t, s, r) => EfficientNet.V2M(c, t, s, r), 1, "EfficientNetV2-M"),
        ["convnext_tiny"] = new((c, t, s, r) => ConvNeXt.Tiny(c, t, s, r), 32, "ConvNeXt-Tiny"),
        ["convnext_small"] = new((c, t, s, r) => ConvNeXt.Small(c, t, s, r), 32, "ConvNeXt-Small"),
        ["convnext_base"] = new((c, t, s, r) => ConvNeXt.Base(c, t, s, r), 32, "ConvNeXt-Base"),
        ["maxvit_t"] = new((c, t, s, r) => MaxViT.T(c, t, s, r), 224, "MaxViT-T"),
        ["r3d_18"] = new((c, t, s, r) => VideoResNet.R3D18(c, t, s, r), 1, "R3D-18 (video)", [3, 16, 112, 112]),
        ["mc3_18"] = new((c, t, s, r) => VideoResNet.MC318(c, t, s, r), 1, "MC3-18 (video)", [3, 16, 112, 112]),
        ["r2plus1d_18"] = new((c, t, s, r) => VideoResNet.R2Plus1D18(c, t, s, r), 1, "R(2+1)D-18 (video)",
            [3, 16, 112, 112]),
        ["mobilenet_v2"] = new((c, t, s, r) => MobileNetV2.Create(c, t, s, r), 1, "MobileNetV2"),
        ["googlenet"] = new((c, t, s, r) => GoogLeNet.Create(c, t, s, r), 15, "GoogLeNet (with its auxiliary classifiers)"),
        ["inception_v3"] = new((c, t, s, r) => InceptionV3.Create(c, t, s, r,
            auxLogits: s is null || (s[1] >= InceptionV3.MinimumAuxSize && s[2] >= InceptionV3.MinimumAuxSize)), 75,
            "Inception-v3 (with its auxiliary classifier from 299×299)", [3, 299, 299]),
        ["alexnet"] = new((c, t, s, r) => AlexNet.Create(c, t, s, r), 63, "AlexNet"),
        ["vgg11"] = new((c, t, s, r) => Vgg.Vgg11(c, t, s, r), 32, "VGG-11"),
        ["vgg11_bn"] = new((c, t, s, r) => Vgg.Vgg11(c, t, s, r, batchNorm: true), 32, "VGG-11 with BatchNorm"),
        ["vgg13"] = new((c, t, s, r) => Vgg.Vgg13(c, t, s, r), 32, "VGG-13"),
        ["vgg13_bn"] = new((c, t, s, r) => Vgg.Vgg13(c, t, s, r, batchNorm: true), 32, "VGG-13 with BatchNorm"),
        ["vgg16"] = new((c, t, s, r) => Vgg.Vgg16(c, t, s, r), 32, "VGG-16"),
        ["vgg16_bn"] = new((c, t, s, r) => Vgg.Vgg16(c, t, s, r, batchNorm: true), 32, "VGG-16 with BatchNorm"),
        ["vgg19"] = new((c, t, s, r) => Vgg.Vgg19(c, t, s, r), 32, "VGG-19"),
        ["vgg19_bn"] = new((c, t, s, r) => Vgg.Vgg19(c, t, s, r, batchNorm: true), 32, "VGG-19 with BatchNorm"),
    };

    static ModelZoo()
    {
        foreach (string name in RegNet.Names)
        {
            string label = $"RegNet{char.ToUpperInvariant(name[7])}-{name[9..].Replace('_', '.').ToUpperInvariant()}";
            s_entries[name] = new((c, t, s, r) => RegNet.Create(name, c, t, s, r), 1, label);
        }
    }

    /// <summary>Every zoo name, in the order <c>fovea zoo</c> lists them.</summary>
    public static IReadOnlyList<string> Names => s_entries.Keys.ToList();

    /// <summary>The sample shape the torchvision model is trained on: [3, 224, 224] for images ([3, 299, 299] for
    /// Inception-v3), [3, 16, 112, 112] (frames, height, width) for the video models.</summary>
    public static int[] DefaultInputShape(string name) => Get(name).DefaultShape;

    /// <summary>
    /// Loads a torchvision state dict (safetensors) into zoo model <paramref name="model"/> built by
    /// <see cref="Create"/> for <paramref name="name"/>, as <see cref="Model.LoadStateDict(string, bool)"/> does, except
    /// that the auxiliary classifier of Inception-v3 ("AuxLogits.*") is skipped when the model was built for inputs
    /// too small to hold it (below 299×299; torchvision never runs it in eval mode).
    /// </summary>
    public static void LoadStateDict(Model model, string name, string path)
    {
        Get(name);
        var (tensors, _) = IO.Safetensors.Load(path);
        var names = model.StateDictEntries().Select(e => e.Name).ToHashSet();
        bool skipAux = name == "inception_v3" && !names.Any(n => n.StartsWith("AuxLogits.", StringComparison.Ordinal));
        model.LoadStateDict(skipAux ? tensors.Where(kv => !kv.Key.StartsWith("AuxLogits.", StringComparison.Ordinal))
            : tensors, $"'{path}'");
    }

    /// <summary>The smallest height and width <paramref name="name"/> accepts.</summary>
    public static int MinimumInputSize(string name) => Get(name).MinimumSize;

    /// <summary>A one-line description of <paramref name="name"/> ("ResNet-50").</summary>
    public static string Describe(string name) => Get(name).Description;

    /// <summary>
    /// Builds zoo model <paramref name="name"/> (a torchvision name, see <see cref="Names"/>) with fresh weights.
    /// </summary>
    /// <param name="name">The torchvision name, e.g. "resnet50".</param>
    /// <param name="classes">Outputs of the classifier; default torchvision's (1000, or 400 for the video models).
    /// </param>
    /// <param name="includeTop">False stops before the classifier (pooled features).</param>
    /// <param name="inputShape">The sample shape [3, H, W] (video: [3, T, H, W]); default
    /// <see cref="DefaultInputShape"/>.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <exception cref="FoveaException">Unknown name (the message lists close matches) or an input smaller than the
    /// architecture allows.</exception>
    public static Model Create(string name, int? classes = null, bool includeTop = true, int[]? inputShape = null,
        int seed = 0)
    {
        var entry = Get(name);
        bool video = entry.DefaultShape.Length == 4;
        if (inputShape is { } shape && (shape.Length != entry.DefaultShape.Length || shape[0] != 3
            || shape[^2] < entry.MinimumSize || shape[^1] < entry.MinimumSize || video && shape[1] < 1))
        {
            throw new FoveaException($"zoo model '{name}' takes input {(video ? "[3, T, H, W]" : "[3, H, W]")} with " +
                $"H, W ≥ {entry.MinimumSize}, received [{string.Join(", ", shape)}]");
        }
        return entry.Create(classes ?? entry.DefaultClasses, includeTop, inputShape, seed);
    }

    private static Entry Get(string name)
    {
        if (s_entries.TryGetValue(name, out var entry))
            return entry;
        var close = s_entries.Keys
            .Select(k => (Name: k, Distance: Distance(name.ToLowerInvariant(), k)))
            .Where(p => p.Distance <= Math.Max(2, name.Length / 3) || p.Name.StartsWith(name.ToLowerInvariant(), StringComparison.Ordinal))
            .OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(5).Select(p => p.Name).ToList();
        string hint = close.Count > 0 ? $"did you mean {string.Join(", ", close)}?" : $"known: {string.Join(", ", s_entries.Keys)}";
        throw new FoveaException($"unknown zoo model '{name}'; {hint} (fovea zoo lists every name)");
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

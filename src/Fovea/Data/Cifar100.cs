namespace Fovea.Data;

/// <summary>
/// Reads CIFAR-100 in its binary version (<c>cifar-100-binary.tar.gz</c>, extracted): 50,000 training images in
/// <c>train.bin</c> and 10,000 test images in <c>test.bin</c>, each 3×32×32, labelled with one of 100 fine classes
/// and one of 20 coarse superclasses.
/// </summary>
/// <remarks>
/// Each record is 3074 bytes: the coarse label byte (0-19), the fine label byte (0-99), then the 1024 red, 1024 green
/// and 1024 blue values of the image, rows top to bottom: already the [C, H, W] layout. Class names come from
/// <c>fine_label_names.txt</c> or <c>coarse_label_names.txt</c> when present (one per line), otherwise
/// <see cref="FineClassNames"/> / <see cref="CoarseClassNames"/>.
/// </remarks>
/// <example><code>
/// var (train, test) = Cifar100.Load("data/cifar-100-binary");                       // 100 classes
/// var (coarseTrain, _) = Cifar100.Load("data/cifar-100-binary", Cifar100Labels.Coarse);  // 20 classes
/// </code></example>
public static class Cifar100
{
    /// <summary>Bytes per record: coarse label, fine label, 3 × 32 × 32 pixels.</summary>
    public const int RecordLength = 2 + CifarRecords.ImageLength;

    /// <summary>The training file.</summary>
    public const string TrainFile = "train.bin";

    /// <summary>The test file.</summary>
    public const string TestFile = "test.bin";

    /// <summary>The 100 fine class names in label order, used when <c>fine_label_names.txt</c> is absent.</summary>
    public static IReadOnlyList<string> FineClassNames { get; } =
    [
        "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
        "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
        "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
        "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
        "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
        "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
        "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
        "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
        "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger",
        "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
    ];

    /// <summary>The 20 coarse class names in label order, used when <c>coarse_label_names.txt</c> is absent.
    /// </summary>
    public static IReadOnlyList<string> CoarseClassNames { get; } =
    [
        "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
        "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
        "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
        "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees", "vehicles_1",
        "vehicles_2",
    ];

    /// <summary>
    /// Loads (train, test) from <paramref name="folder"/>: features [N, 3, 32, 32] scaled to [0, 1] (then normalised
    /// when <paramref name="normalization"/> is given), labels [N] as fine or coarse class indices.
    /// </summary>
    /// <param name="folder">The folder holding <c>train.bin</c> and <c>test.bin</c>, or its parent when they sit in a
    /// <c>cifar-100-binary</c> sub-folder (as the archive extracts).</param>
    /// <param name="labels">Fine (100 classes, the default) or coarse (20 superclasses) labels.</param>
    /// <param name="normalization">Optional per-channel standardisation (three channels).</param>
    /// <exception cref="FoveaException">The folder or a file is missing, a file's length is not a whole number of
    /// records, or a label is out of range; the message names the file.</exception>
    public static (Dataset Train, Dataset Test) Load(string folder, Cifar100Labels labels = Cifar100Labels.Fine,
        Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string nested = Path.Combine(folder, "cifar-100-binary");
        if (!File.Exists(Path.Combine(folder, TrainFile)) && Directory.Exists(nested))
            folder = nested;
        if (!Directory.Exists(folder))
            throw new FoveaException($"CIFAR-100 folder '{folder}' does not exist");
        bool fine = labels == Cifar100Labels.Fine;
        var defaults = fine ? FineClassNames : CoarseClassNames;
        string namesFile = Path.Combine(folder, fine ? "fine_label_names.txt" : "coarse_label_names.txt");
        var classNames = CifarRecords.ReadClassNames(namesFile, defaults, defaults.Count);
        int labelIndex = fine ? 1 : 0;
        var train = CifarRecords.Load([Path.Combine(folder, TrainFile)], labelBytes: 2, labelIndex, classNames,
            normalization, "CIFAR-100");
        var test = CifarRecords.Load([Path.Combine(folder, TestFile)], labelBytes: 2, labelIndex, classNames,
            normalization, "CIFAR-100");
        return (train, test);
    }
}

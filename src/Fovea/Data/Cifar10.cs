namespace Fovea.Data;

/// <summary>
/// Reads CIFAR-10 in its binary version (<c>cifar-10-binary.tar.gz</c>, extracted): 50,000 training images in
/// <c>data_batch_1.bin</c> to <c>data_batch_5.bin</c> and 10,000 test images in <c>test_batch.bin</c>, each 3×32×32.
/// </summary>
/// <remarks>
/// Each record is 3073 bytes: one label byte (0-9), then the 1024 red, 1024 green and 1024 blue values of a 32×32
/// image, rows top to bottom: already the [C, H, W] layout. Class names come from <c>batches.meta.txt</c> when
/// present (one per line), otherwise <see cref="DefaultClassNames"/>.
/// </remarks>
public static class Cifar10
{
    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordLength = 1 + ImageLength;

    private const int ImageLength = CifarRecords.ImageLength;

    /// <summary>The standard class names, used when <c>batches.meta.txt</c> is absent.</summary>
    public static IReadOnlyList<string> DefaultClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The training files, in the order their records are concatenated.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>The test file.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>
    /// Loads (train, test) from <paramref name="folder"/>: features [N, 3, 32, 32] scaled to [0, 1] (then
    /// normalised when <paramref name="normalization"/> is given), labels [N] as class indices.
    /// </summary>
    /// <param name="folder">The folder holding the <c>.bin</c> files, or its parent when the files sit in a
    /// <c>cifar-10-batches-bin</c> sub-folder (as the archive extracts).</param>
    /// <param name="normalization">Optional per-channel standardisation (three channels), e.g. from
    /// <see cref="Normalization.Compute"/> on the training set.</param>
    /// <exception cref="FoveaException">A file is missing, its length is not a whole number of records, or a label
    /// is not below the number of classes; the message names the file.</exception>
    public static (Dataset Train, Dataset Test) Load(string folder, Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string nested = Path.Combine(folder, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(folder, TrainFiles[0])) && Directory.Exists(nested))
            folder = nested;
        if (!Directory.Exists(folder))
            throw new FoveaException($"CIFAR-10 folder '{folder}' does not exist");
        var classNames = CifarRecords.ReadClassNames(Path.Combine(folder, "batches.meta.txt"), DefaultClassNames, 1);
        var train = LoadFiles([.. TrainFiles.Select(f => Path.Combine(folder, f))], classNames, normalization);
        var test = LoadFiles([Path.Combine(folder, TestFile)], classNames, normalization);
        return (train, test);
    }

    private static Dataset LoadFiles(string[] paths, IReadOnlyList<string> classNames, Normalization? normalization) =>
        CifarRecords.Load(paths, labelBytes: 1, labelIndex: 0, classNames, normalization, "CIFAR-10");
}

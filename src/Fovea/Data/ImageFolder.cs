using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// A labelled image dataset read from a folder with one subfolder per class (torchvision's <c>ImageFolder</c>,
/// Keras' <c>image_dataset_from_directory</c>): class indices follow the subfolder names in ordinal order, and every
/// JPEG, PNG, BMP, GIF or WebP file below a class folder (subfolders included) is a sample of that class.
/// </summary>
/// <remarks>
/// <para>Loading is eager: every image is decoded (with SkiaSharp, on all cores), brought to one size and kept as
/// floats in <see cref="Dataset"/>, which then works with everything a dataset does (<see cref="DataLoader"/>,
/// <see cref="Dataset.Split"/> with <c>stratified: true</c>, <c>Model.Fit</c>). Memory is 4·C·H·W bytes per image
/// (3×224×224: 600 KB, so 10,000 images need 6 GB): choose a small size for big folders, or split them. A
/// streaming variant that decodes batches on the loader's thread is future work.</para>
/// <para>Random crops belong to the loader, not here: load slightly larger than the network input (e.g. 36×36 for
/// 32×32) and give the <see cref="DataLoader"/> a <see cref="Transforms.RandomCrop"/>, so each epoch sees new
/// crops.</para>
/// <para>A file that cannot be read or decoded (corrupt, truncated, not an image) either stops the load with a
/// <see cref="FoveaException"/> naming it, or is left out and listed in <see cref="Skipped"/>, as
/// <c>onCorruptImage</c> says; it never escapes as a raw exception. Other files (other extensions, hidden files,
/// files directly in the root) are ignored.</para>
/// </remarks>
/// <example><code>
/// var pets = ImageFolder.Load("data/pets", imageSize: 64, normalization: new Normalization(
///     [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]), onCorruptImage: CorruptImageAction.Skip);
/// foreach (var skipped in pets.Skipped)
///     Console.Error.WriteLine($"skipped {skipped}");
/// var (train, validation) = pets.Dataset.Split(0.8, seed: 0, stratified: true);
/// </code></example>
public sealed class ImageFolder
{
    /// <summary>File extensions read as images (compared without case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    private ImageFolder(Dataset dataset, string[] files, SkippedImage[] skipped)
    {
        Dataset = dataset;
        Files = files;
        Skipped = skipped;
    }

    /// <summary>The images [N, C, H, W] and their class indices [N], with <see cref="Dataset.ClassNames"/> set to
    /// the subfolder names.</summary>
    public Dataset Dataset { get; }

    /// <summary>The path of each sample, in dataset order (by class, then by ordinal path).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The class names: the subfolder names in ordinal order.</summary>
    public IReadOnlyList<string> ClassNames => Dataset.ClassNames!;

    /// <summary>Files left out because they could not be read (only with <see cref="CorruptImageAction.Skip"/>).
    /// </summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Reads every image below <paramref name="folder"/>'s class subfolders.</summary>
    /// <param name="folder">The root: one subfolder per class.</param>
    /// <param name="imageSize">Height × width of every image in the dataset (one int for a square).</param>
    /// <param name="color">RGB (three channels, the default) or grayscale (one).</param>
    /// <param name="resize">Centre crop after an aspect-preserving resize (the default) or stretch.</param>
    /// <param name="shorterSide">With <see cref="ImageResize.CenterCrop"/>: scale the shorter side to this many
    /// pixels before cropping (e.g. 256 for a 224 crop); never less than what covers <paramref name="imageSize"/>.
    /// Default: just cover it.</param>
    /// <param name="normalization">Per-channel standardisation after scaling pixels to [0, 1]; none by default.
    /// </param>
    /// <param name="onCorruptImage">Fail (the default) or skip files that cannot be decoded.</param>
    /// <exception cref="FoveaException">The folder is missing, has no class subfolders or no images, an image is
    /// corrupt (with <see cref="CorruptImageAction.Fail"/>), or the images do not fit in memory.</exception>
    public static ImageFolder Load(string folder, Size2 imageSize, ColorMode color = ColorMode.Rgb,
        ImageResize resize = ImageResize.CenterCrop, int? shorterSide = null, Normalization? normalization = null,
        CorruptImageAction onCorruptImage = CorruptImageAction.Fail)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!imageSize.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"expected a positive size, received {imageSize}");
        if (shorterSide is <= 0)
            throw new ArgumentOutOfRangeException(nameof(shorterSide), shorterSide, "expected a positive side");
        if (!Directory.Exists(folder))
            throw new FoveaException($"image folder '{folder}' does not exist");
        string[] classes = [.. Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal)];
        if (classes.Length == 0)
            throw new FoveaException($"image folder '{folder}' has no subfolders; expected one subfolder per class");
        var (files, labels) = ListImages(folder, classes);
        if (files.Length == 0)
        {
            throw new FoveaException(
                $"image folder '{folder}' holds no images ({string.Join(", ", Extensions)}) in its class subfolders "
                + $"{string.Join(", ", classes)}");
        }
        int channels = color == ColorMode.Rgb ? 3 : 1;
        var decoder = new ImageDecoder(imageSize.Height, imageSize.Width, color, resize, shorterSide,
            Normalization.ByteTable(normalization, channels));
        int size = channels * imageSize.Height * imageSize.Width;
        if ((long)size * files.Length > Array.MaxLength)
        {
            throw new FoveaException(
                $"{files.Length} images of [{channels}, {imageSize.Height}, {imageSize.Width}] do not fit in one "
                + "array; choose a smaller imageSize or load fewer images");
        }
        float[] pixels = GC.AllocateUninitializedArray<float>(size * files.Length);
        string?[] problems = new string?[files.Length];
        Parallel.For(0, files.Length, i => problems[i] = decoder.Decode(files[i], pixels.AsSpan(i * size, size)));
        return Assemble(folder, classes, files, labels, pixels, size, problems, onCorruptImage,
            new Shape(channels, imageSize.Height, imageSize.Width));
    }

    private static (string[] Files, int[] Labels) ListImages(string folder, string[] classes)
    {
        var files = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classes.Length; c++)
        {
            var found = Directory.EnumerateFiles(Path.Combine(folder, classes[c]), "*", SearchOption.AllDirectories)
                .Where(IsImage).Order(StringComparer.Ordinal);
            foreach (string f in found)
            {
                files.Add(f);
                labels.Add(c);
            }
        }
        return ([.. files], [.. labels]);
    }

    private static bool IsImage(string path)
    {
        string name = Path.GetFileName(path);
        return !name.StartsWith('.')
            && Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Drops (or fails on) the unreadable files and builds the dataset from the rest.</summary>
    private static ImageFolder Assemble(string folder, string[] classes, string[] files, int[] labels,
        float[] pixels, int size, string?[] problems, CorruptImageAction onCorruptImage, Shape imageShape)
    {
        var skipped = new List<SkippedImage>();
        int kept = 0;
        for (int i = 0; i < files.Length; i++)
        {
            if (problems[i] is string problem)
            {
                if (onCorruptImage == CorruptImageAction.Fail)
                {
                    throw new FoveaException(
                        $"image '{files[i]}' is {problem}; remove it, or load with "
                        + "onCorruptImage: CorruptImageAction.Skip to leave such files out");
                }
                skipped.Add(new SkippedImage(files[i], problem));
                continue;
            }
            if (kept != i)
            {
                pixels.AsSpan(i * size, size).CopyTo(pixels.AsSpan(kept * size, size));
                files[kept] = files[i];
                labels[kept] = labels[i];
            }
            kept++;
        }
        if (kept == 0)
            throw new FoveaException($"no image in '{folder}' could be read; the first was {skipped[0]}");
        float[] x = kept == files.Length ? pixels : pixels[..(kept * size)];
        float[] y = [.. labels.Take(kept).Select(l => (float)l)];
        var dataset = new Dataset(Tensor.Wrap(x, imageShape.WithBatch(kept)), Tensor.Wrap(y, [kept]), classes);
        return new ImageFolder(dataset, files[..kept], [.. skipped]);
    }

    /// <summary>
    /// Reads the given image files (no class subfolders needed) into one tensor [N, C, H, W], in the given order,
    /// decoded, resized and normalised as <see cref="Load"/> does. For tools that take loose files, such as
    /// <c>fovea explain --images DIR</c>.
    /// </summary>
    /// <exception cref="FoveaException">No file is given, or a file is missing or cannot be decoded (the message
    /// names it).</exception>
    public static Tensor LoadFiles(IReadOnlyList<string> files, Size2 imageSize, ColorMode color = ColorMode.Rgb,
        ImageResize resize = ImageResize.CenterCrop, int? shorterSide = null, Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            throw new FoveaException("ImageFolder.LoadFiles: no image files given");
        if (!imageSize.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"expected a positive size, received {imageSize}");
        int channels = color == ColorMode.Rgb ? 3 : 1;
        var decoder = new ImageDecoder(imageSize.Height, imageSize.Width, color, resize, shorterSide,
            Normalization.ByteTable(normalization, channels));
        int size = channels * imageSize.Height * imageSize.Width;
        var pixels = new float[size * files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            if (decoder.Decode(files[i], pixels.AsSpan(i * size, size)) is string problem)
                throw new FoveaException($"image '{files[i]}' is {problem}");
        }
        return Tensor.Wrap(pixels, [files.Count, channels, imageSize.Height, imageSize.Width]);
    }

    /// <summary>The image files directly inside <paramref name="folder"/> (extensions of <see cref="Extensions"/>,
    /// hidden files left out), in ordinal order of their names.</summary>
    public static IReadOnlyList<string> ImageFiles(string folder)
    {
        if (!Directory.Exists(folder))
            throw new FoveaException($"image folder '{folder}' does not exist");
        return [.. Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal)];
    }

    public override string ToString() =>
        $"ImageFolder({Dataset.Count} images of {Dataset.SampleShape}, {ClassNames.Count} classes, "
        + $"{Skipped.Count} skipped)";
}

namespace Fovea.Data;

/// <summary>
/// Builds a <see cref="Dataset"/> from a pair of IDX files in the MNIST layout: images [N, H, W] and labels [N]
/// (unsigned bytes, raw or gzip). Works for MNIST, Fashion-MNIST, KMNIST and EMNIST.
/// </summary>
public static class IdxDataset
{
    /// <summary>Loads images and labels; pixels are scaled to [0, 1], then optionally normalised.</summary>
    /// <param name="imagesPath">An <c>*-images-idx3-ubyte[.gz]</c> file, [N, H, W].</param>
    /// <param name="labelsPath">An <c>*-labels-idx1-ubyte[.gz]</c> file, [N].</param>
    /// <param name="classNames">Optional class names; when given, every label must be below their count.</param>
    /// <param name="normalization">Optional one-channel standardisation after scaling.</param>
    /// <returns>Features [N, 1, H, W] and labels [N] (class indices as floats).</returns>
    /// <exception cref="FoveaException">A file is missing or corrupt, the two files disagree on N, or a label is
    /// out of range; the message names the file.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null,
        Normalization? normalization = null)
    {
        IdxData images = IdxReader.Read(imagesPath);
        IdxData labels = IdxReader.Read(labelsPath);
        if (images.Dimensions.Rank != 3)
        {
            throw new FoveaException(
                $"'{imagesPath}' holds an array {images.Dimensions}; expected images [N, H, W]");
        }
        if (labels.Dimensions.Rank != 1)
            throw new FoveaException($"'{labelsPath}' holds an array {labels.Dimensions}; expected labels [N]");
        if (images.Dimensions[0] != labels.Dimensions[0])
        {
            throw new FoveaException(
                $"'{imagesPath}' holds {images.Dimensions[0]} images but '{labelsPath}' holds "
                + $"{labels.Dimensions[0]} labels; expected the same count");
        }
        for (int i = 0; classNames is not null && i < labels.Values.Length; i++)
        {
            if (labels.Values[i] >= classNames.Count)
            {
                throw new FoveaException(
                    $"'{labelsPath}': label {labels.Values[i]} of sample {i} is not a class index; expected 0 to "
                    + $"{classNames.Count - 1}");
            }
        }
        int h = images.Dimensions[1], w = images.Dimensions[2];
        return Dataset.FromBytes(images.Values, labels.Values, [1, h, w], normalization, classNames);
    }
}

namespace Fovea.Data;

/// <summary>
/// Reads the CIFAR binary record files: each record is <c>labelBytes</c> label bytes, then the 1024 red, 1024 green
/// and 1024 blue values of a 32×32 image (rows top to bottom), already the [C, H, W] layout. CIFAR-10 records have
/// one label byte, CIFAR-100 records two (coarse, then fine).
/// </summary>
internal static class CifarRecords
{
    public const int ImageLength = 3 * 32 * 32;

    /// <summary>
    /// Concatenates the records of <paramref name="paths"/> into features [N, 3, 32, 32] and labels [N] taken from
    /// label byte <paramref name="labelIndex"/> of each record.
    /// </summary>
    /// <exception cref="FoveaException">A file is missing, is not a whole number of records, or a label is not below
    /// the number of classes; the message names the file (and the record).</exception>
    public static Dataset Load(string[] paths, int labelBytes, int labelIndex, IReadOnlyList<string> classNames,
        Normalization? normalization, string datasetName)
    {
        int recordLength = labelBytes + ImageLength;
        long total = 0;
        foreach (string path in paths)
        {
            if (!File.Exists(path))
                throw new FoveaException($"{datasetName} file '{path}' is missing");
            long length = new FileInfo(path).Length;
            if (length % recordLength != 0)
            {
                throw new FoveaException(
                    $"'{path}' is {length} bytes, not a whole number of {recordLength}-byte records "
                    + $"({length / recordLength} records and {length % recordLength} bytes left over); "
                    + $"it is truncated or not a {datasetName} binary file");
            }
            total += length / recordLength;
        }
        if (total * ImageLength > Array.MaxLength)
            throw new FoveaException($"{total} {datasetName} records are more than one array can hold");

        int n = (int)total;
        byte[] labels = new byte[n];
        byte[] pixels = GC.AllocateUninitializedArray<byte>(n * ImageLength);
        byte[] record = new byte[recordLength];
        int i = 0;
        foreach (string path in paths)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            int records = (int)(file.Length / recordLength);
            for (int r = 0; r < records; r++, i++)
            {
                file.ReadExactly(record);
                byte label = record[labelIndex];
                if (label >= classNames.Count)
                {
                    throw new FoveaException(
                        $"'{path}': record {r} has label {label}; expected 0 to {classNames.Count - 1}");
                }
                labels[i] = label;
                record.AsSpan(labelBytes).CopyTo(pixels.AsSpan(i * ImageLength, ImageLength));
            }
        }
        return Dataset.FromBytes(pixels, labels, [3, 32, 32], normalization, classNames);
    }

    /// <summary>The names listed one per line in <paramref name="path"/>, or <paramref name="defaults"/> when the
    /// file is absent.</summary>
    /// <exception cref="FoveaException">The file lists no names, or fewer than <paramref name="minimum"/>.
    /// </exception>
    public static IReadOnlyList<string> ReadClassNames(string path, IReadOnlyList<string> defaults, int minimum)
    {
        if (!File.Exists(path))
            return defaults;
        string[] names = [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)];
        if (names.Length == 0)
            throw new FoveaException($"'{path}' lists no class names; expected one per line");
        if (names.Length < minimum)
            throw new FoveaException($"'{path}' lists {names.Length} class names; expected {minimum}, one per line");
        return names;
    }
}

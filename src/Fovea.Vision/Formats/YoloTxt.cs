using System.Globalization;
using System.Text;

namespace Fovea.Vision.Formats;

/// <summary>Reads and writes YOLO label files: one <c>.txt</c> per image, one line per object,
/// <c>class cx cy w h</c> with the box normalised to [0, 1] by the image size.</summary>
/// <remarks>Blank lines are skipped; an empty file is an image without objects. Numbers are written in the
/// shortest form that reads back to the same double. Errors are <see cref="FoveaException"/>s naming the file and
/// line.</remarks>
public static class YoloTxt
{
    /// <summary>Reads one label file.</summary>
    /// <exception cref="FoveaException">The file is missing or a line is not <c>class cx cy w h</c>.</exception>
    public static IReadOnlyList<YoloLabel> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FoveaException($"{path}: file not found");
        var labels = new List<YoloLabel>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
                continue;
            if (parts.Length != 5 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture,
                    out int cls) || cls < 0)
                throw new FoveaException($"{path}: line {lineNumber}: expected 'class cx cy w h' with a class index " +
                    $"≥ 0, found '{line.Trim()}'");
            var v = new double[4];
            for (int i = 0; i < 4; i++)
            {
                if (!double.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                    throw new FoveaException($"{path}: line {lineNumber}: '{parts[i + 1]}' is not a number");
            }
            labels.Add(new YoloLabel(cls, v[0], v[1], v[2], v[3]));
        }
        return labels;
    }

    /// <summary>Writes one label file.</summary>
    public static void Write(IEnumerable<YoloLabel> labels, string path)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var sb = new StringBuilder();
        foreach (var l in labels)
        {
            sb.Append(l.ClassId.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(Text(l.CenterX)).Append(' ').Append(Text(l.CenterY)).Append(' ')
                .Append(Text(l.Width)).Append(' ').Append(Text(l.Height)).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

using Fovea.Onnx.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Tensor data stored beside the model (ONNX external data: location, offset, length). The location must name a file
/// inside the model's folder: absolute paths and paths that climb out of it ("../x", symbolic links) are rejected.
/// </summary>
internal static class OnnxExternalData
{
    public static byte[] Read(TensorProto t, string? folder, long expectedBytes, string where)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var e in t.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseLong(e.Value, "offset", t.Name, where); break;
                case "length": length = ParseLong(e.Value, "length", t.Name, where); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new FoveaException($"{where}: tensor '{t.Name}' is stored externally but names no location");
        if (folder is null)
            throw new FoveaException($"{where}: tensor '{t.Name}' is stored in '{location}', but the model was not " +
                $"loaded from a file");
        string path = Resolve(folder, location, t.Name, where);
        if (!File.Exists(path))
            throw new FoveaException($"{where}: tensor '{t.Name}': external data file '{location}' does not exist");
        using var stream = File.OpenRead(path);
        if (length < 0)
            length = expectedBytes;
        if (offset < 0 || length != expectedBytes || offset + length > stream.Length)
            throw new FoveaException(
                $"{where}: tensor '{t.Name}': external data '{location}' at offset {offset} with length {length} " +
                $"does not fit: the tensor needs {expectedBytes} bytes and the file has {stream.Length}");
        var bytes = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The full path of <paramref name="location"/>, which must stay inside <paramref
    /// name="folder"/>.</summary>
    public static string Resolve(string folder, string location, string tensor, string where)
    {
        string root = Path.GetFullPath(folder);
        string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root
            + Path.DirectorySeparatorChar;
        string path;
        try
        {
            path = Path.GetFullPath(Path.Combine(root, location));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FoveaException($"{where}: tensor '{tensor}': external data location '{location}' is not a " +
                $"valid path", e);
        }
        bool inside = !Path.IsPathRooted(location) && path.StartsWith(rootWithSeparator, StringComparison.Ordinal);
        if (inside && File.Exists(path))
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            inside = target is null || Path.GetFullPath(target.FullName).StartsWith(rootWithSeparator,
                StringComparison.Ordinal);
        }
        if (!inside)
            throw new FoveaException(
                $"{where}: tensor '{tensor}': external data location '{location}' points outside the model's folder " +
                $"'{root}'; only files inside it are read");
        return path;
    }

    private static long ParseLong(string s, string key, string tensor, string where) =>
        long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture,
            out long v)
            ? v : throw new FoveaException($"{where}: tensor '{tensor}': external data {key} '{s}' is not an integer");
}

using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Fovea.Vision.Formats;

/// <summary>Reads and writes Pascal VOC annotation XML (<c>&lt;annotation&gt;</c> with <c>filename</c>,
/// <c>size</c> and <c>object</c>s holding <c>name</c>, <c>pose</c>, <c>truncated</c>, <c>difficult</c> and
/// <c>bndbox</c>).</summary>
/// <remarks>Coordinates are read as numbers (VOC writes integers; some tools write decimals) and written in the
/// shortest round-trip form. Missing <c>difficult</c>/<c>truncated</c> read as 0, missing <c>pose</c> as
/// "Unspecified", a missing <c>size</c> as 0. Errors are <see cref="FoveaException"/>s naming the file.</remarks>
public static class VocXml
{
    /// <summary>Reads one annotation file.</summary>
    /// <exception cref="FoveaException">The file is missing, is not XML, or an object lacks its name or box.
    /// </exception>
    public static VocAnnotation Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FoveaException($"{path}: file not found");
        XDocument doc;
        try
        {
            doc = XDocument.Load(path);
        }
        catch (XmlException e)
        {
            throw new FoveaException($"{path}: not valid XML ({e.Message})");
        }
        var root = doc.Root;
        if (root is null || root.Name.LocalName != "annotation")
            throw new FoveaException($"{path}: a VOC annotation's root element is <annotation>, found " +
                $"<{root?.Name.LocalName}>");
        var size = root.Element("size");
        var objects = new List<VocObject>();
        int i = 0;
        foreach (var o in root.Elements("object"))
        {
            string where = $"object [{i++}]";
            string name = o.Element("name")?.Value.Trim()
                ?? throw new FoveaException($"{path}: {where} has no <name>");
            var box = o.Element("bndbox") ?? throw new FoveaException($"{path}: {where} ({name}) has no <bndbox>");
            objects.Add(new VocObject(name, Number(path, box, "xmin", where), Number(path, box, "ymin", where),
                Number(path, box, "xmax", where), Number(path, box, "ymax", where),
                Flag(path, o, "difficult", where), Flag(path, o, "truncated", where),
                o.Element("pose")?.Value.Trim() ?? "Unspecified"));
        }
        return new VocAnnotation(root.Element("filename")?.Value.Trim() ?? "",
            size is null ? 0 : (int)Number(path, size, "width", "size"),
            size is null ? 0 : (int)Number(path, size, "height", "size"),
            size?.Element("depth") is null ? 3 : (int)Number(path, size, "depth", "size"), objects);
    }

    /// <summary>Writes one annotation file in VOC's layout.</summary>
    public static void Write(VocAnnotation annotation, string path)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var root = new XElement("annotation",
            new XElement("filename", annotation.FileName),
            new XElement("size", new XElement("width", annotation.Width), new XElement("height", annotation.Height),
                new XElement("depth", annotation.Depth)),
            new XElement("segmented", 0));
        foreach (var o in annotation.Objects)
        {
            root.Add(new XElement("object",
                new XElement("name", o.Name),
                new XElement("pose", o.Pose),
                new XElement("truncated", o.Truncated ? 1 : 0),
                new XElement("difficult", o.Difficult ? 1 : 0),
                new XElement("bndbox", new XElement("xmin", Text(o.XMin)), new XElement("ymin", Text(o.YMin)),
                    new XElement("xmax", Text(o.XMax)), new XElement("ymax", Text(o.YMax)))));
        }
        new XDocument(root).Save(path);
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static double Number(string path, XElement parent, string name, string where)
    {
        string? text = parent.Element(name)?.Value.Trim();
        if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new FoveaException($"{path}: {where}: <{name}> must be a number, found " +
                (text is null ? "nothing" : $"'{text}'"));
        return v;
    }

    private static bool Flag(string path, XElement parent, string name, string where)
    {
        string? text = parent.Element(name)?.Value.Trim();
        return text switch
        {
            null or "" or "0" => false,
            "1" => true,
            _ => throw new FoveaException($"{path}: {where}: <{name}> must be 0 or 1, found '{text}'"),
        };
    }
}
